import { z } from 'zod';
import { defineKind } from '../kind';

/** Ends the run. */
export const exit = defineKind({
  kind: 'exit',
  role: 'exit',
  schema: z.object({ reason: z.string().trim().max(60).default('completed') }),
  palette: { group: 'Actions', label: 'Exit', icon: 'log-out', description: 'End the journey for this contact.' },
  summary: (c) => c.reason,
  ports: () => [],
  enter: (c) => ({ type: 'exit', reason: c.reason || 'completed' }),
});
