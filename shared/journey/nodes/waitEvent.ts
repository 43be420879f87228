import { z } from 'zod';
import { defineKind } from '../kind';
import { PropertyFilter } from '../../segments/rules';
import { matchesFilters } from '../../segments/evaluate';
import { durationMs } from '../../util/time';
import { Duration } from './waitDuration';
import { MaxVisits } from '../loops';

/** Waits for an event, or gives up after a timeout: ports `event` and `timeout`. */
export const waitEvent = defineKind({
  kind: 'wait.event',
  role: 'wait',
  schema: z.object({
    event: z.string().trim().min(1, 'Name the event to wait for.').max(120).default('app_login').meta({ ui: 'event', title: 'Event', titleKey: 'field.event' }),
    filter: z.array(PropertyFilter).default([]).meta({ title: 'Only when its properties match', titleKey: 'field.onlyWhenItsPropertiesMatch' }),
    timeout: Duration.default({ amount: 3, unit: 'days' }).meta({ title: 'Give up after', titleKey: 'field.giveUpAfter' }),
    maxVisits: MaxVisits,
  }),
  palette: {
    group: 'Wait',
    label: 'Wait for event',
    icon: 'bell',
    description: 'Wait until the contact does something, or time out.',
    labelKey: 'kind.waitForEvent.label',
    descriptionKey: 'kind.waitForEvent.description',
  },
  summary: (c) => `${c.event} · timeout ${c.timeout.amount} ${c.timeout.unit}${c.maxVisits === null ? '' : ` · at most ${c.maxVisits}×`}`,
  summaryMessage: (c) => ({
    messageKey: 'summary.waitEvent',
    values: { event: c.event, amount: c.timeout.amount, unit: c.timeout.unit, maxVisits: c.maxVisits === null ? 'none' : String(c.maxVisits) },
  }),
  ports: () => [
    { id: 'event', label: 'event', labelKey: 'port.event' },
    { id: 'timeout', label: 'timeout', labelKey: 'port.timeout' },
  ],
  maxVisits: (c) => c.maxVisits,
  enter: (c, { ctx }) => ({ type: 'wait', until: ctx.now + durationMs(c.timeout.amount, c.timeout.unit), event: c.event }),
  onEvent: (c, _env, event) => (event.name === c.event && matchesFilters(event.properties, c.filter) ? { type: 'go', port: 'event' } : null),
  onTimer: () => ({ type: 'go', port: 'timeout' }),
});
