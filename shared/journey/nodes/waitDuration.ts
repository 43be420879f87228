import { z } from 'zod';
import { defineKind } from '../kind';
import { durationMs, durationUnits } from '../../util/time';
import { MaxVisits } from '../loops';

export const Duration = z.object({
  amount: z.number().int('amount must be a whole number').min(1, 'amount must be at least 1').max(100_000).default(1).meta({ title: 'Amount', titleKey: 'field.amount' }),
  unit: z.enum(durationUnits).default('days').meta({ title: 'Unit', titleKey: 'field.unit' }),
});

/** Holds the run for a fixed time. */
export const waitDuration = defineKind({
  kind: 'wait.duration',
  role: 'wait',
  schema: Duration.extend({ maxVisits: MaxVisits }),
  palette: { group: 'Wait', label: 'Wait', icon: 'hourglass', description: 'Wait a fixed time.', labelKey: 'kind.wait.label', descriptionKey: 'kind.wait.description' },
  summary: (c) => `${c.amount} ${c.amount === 1 ? c.unit.slice(0, -1) : c.unit}${c.maxVisits === null ? '' : ` · at most ${c.maxVisits}×`}`,
  summaryMessage: (c) => ({ messageKey: 'summary.wait', values: { amount: c.amount, unit: c.unit, maxVisits: c.maxVisits === null ? 'none' : String(c.maxVisits) } }),
  ports: () => [{ id: 'next', label: '' }],
  maxVisits: (c) => c.maxVisits,
  enter: (c, { ctx }) => ({ type: 'wait', until: ctx.now + durationMs(c.amount, c.unit) }),
  onTimer: () => ({ type: 'go', port: 'next' }),
});
