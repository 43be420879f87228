import { z } from 'zod';
import { defineKind } from '../kind';

/** Ends the run. */
export const exit = defineKind({
  kind: 'exit',
  role: 'exit',
  schema: z.object({
    reason: z
      .string()
      .trim()
      .max(60)
      .default('completed')
      .meta({ title: 'Exit reason', titleKey: 'field.exitReason', description: 'Counted on the canvas, e.g. recalled, no_response.', descriptionKey: 'field.exitReason.help' }),
  }),
  palette: { group: 'Actions', label: 'Exit', icon: 'log-out', description: 'End the journey for this contact.', labelKey: 'kind.exit.label', descriptionKey: 'kind.exit.description' },
  summary: (c) => c.reason,
  ports: () => [],
  enter: (c) => ({ type: 'exit', reason: c.reason || 'completed' }),
});
