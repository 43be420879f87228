import { z } from 'zod';
import { defineKind } from '../kind';
import { PropertyFilter } from '../../segments/rules';

/** Enrols a contact when an ingested event matches. */
export const triggerEvent = defineKind({
  kind: 'trigger.event',
  role: 'entry',
  schema: z.object({
    event: z.string().trim().min(1, 'Name the event that starts the journey.').max(120).default('event_name'),
    filter: z.array(PropertyFilter).default([]),
  }),
  palette: { group: 'Entry', label: 'Event entry', icon: 'zap', description: 'Enrol a contact when they do something.' },
  summary: (c) => `on ${c.event}${c.filter.length ? ` (${c.filter.length} filter${c.filter.length > 1 ? 's' : ''})` : ''}`,
  ports: () => [{ id: 'next', label: '' }],
  enter: () => ({ type: 'go', port: 'next' }),
});
