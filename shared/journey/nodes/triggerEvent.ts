import { z } from 'zod';
import { defineKind } from '../kind';
import { PropertyFilter } from '../../segments/rules';
import { matchesFilters } from '../../segments/evaluate';

/** Enrols a contact when an ingested event matches. */
export const triggerEvent = defineKind({
  kind: 'trigger.event',
  role: 'entry',
  schema: z.object({
    event: z.string().trim().min(1, 'Name the event that starts the journey.').max(120).default('event_name').meta({ ui: 'event', title: 'Event', titleKey: 'field.event' }),
    filter: z.array(PropertyFilter).default([]).meta({ title: 'Only when its properties match', titleKey: 'field.onlyWhenItsPropertiesMatch' }),
  }),
  palette: {
    group: 'Entry',
    label: 'Event entry',
    icon: 'zap',
    description: 'Enrol a contact when they do something.',
    labelKey: 'kind.eventEntry.label',
    descriptionKey: 'kind.eventEntry.description',
  },
  summary: (c) => `on ${c.event}${c.filter.length ? ` (${c.filter.length} filter${c.filter.length > 1 ? 's' : ''})` : ''}`,
  summaryMessage: (c) => ({ messageKey: 'summary.event', values: { event: c.event, filters: c.filter.length } }),
  ports: () => [{ id: 'next', label: '' }],
  accepts: (c, e) => e.name === c.event && matchesFilters(e.properties, c.filter),
  enter: () => ({ type: 'go', port: 'next' }),
});
