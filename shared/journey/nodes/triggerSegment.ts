import { z } from 'zod';
import { defineKind } from '../kind';
import { hhmmPattern } from '../../util/time';

export const SegmentSchedule = z.object({
  every: z.enum(['once', 'hour', 'day', 'week']).default('day').meta({ title: 'Runs', titleKey: 'field.runs' }),
  /** local time of the workspace for daily/weekly runs, "HH:MM" */
  at: z.string().regex(hhmmPattern, 'must be HH:MM, e.g. 10:00').default('10:00').meta({ ui: 'time', title: 'At (workspace time)', titleKey: 'field.atWorkspaceTime' }),
});

/** Enrols the members of a segment on a schedule, newest registrations first by default. */
export const triggerSegment = defineKind({
  kind: 'trigger.segment',
  role: 'entry',
  schema: z.object({
    segment: z.string().trim().default('').meta({ ui: 'segment', title: 'Segment', titleKey: 'field.segment' }),
    schedule: SegmentSchedule.default({ every: 'day', at: '10:00' }).meta({ title: 'Schedule', titleKey: 'field.schedule' }),
    order: z
      .enum(['newest_first', 'oldest_first'])
      .default('newest_first')
      .meta({ title: 'Order of entry', titleKey: 'field.orderOfEntry', description: 'Newest registrations first reaches the warmest contacts first.', descriptionKey: 'field.orderOfEntry.help' }),
  }),
  palette: {
    group: 'Entry',
    label: 'Segment entry',
    icon: 'users',
    description: 'Enrol everyone in a segment, on a schedule.',
    labelKey: 'kind.segmentEntry.label',
    descriptionKey: 'kind.segmentEntry.description',
  },
  summary: (c) => `${c.segment || 'no segment'} · ${c.schedule.every === 'once' ? 'once' : `every ${c.schedule.every} at ${c.schedule.at}`} · ${c.order.replace('_', ' ')}`,
  summaryMessage: (c) => ({
    messageKey: 'summary.segment',
    values: { segment: c.segment, hasSegment: c.segment ? 'yes' : 'no', every: c.schedule.every, at: c.schedule.at, order: c.order },
  }),
  ports: () => [{ id: 'next', label: '' }],
  check(c, refs) {
    if (!c.segment) return [{ code: 'invalid_config', field: 'segment', message: 'Choose the segment to enrol.', params: { reason: 'segment_required' } }];
    if (refs.segments && !refs.segments.has(c.segment)) return [{ code: 'unknown_segment', field: 'segment', message: `Segment "${c.segment}" does not exist.`, params: { segment: c.segment } }];
    return [];
  },
  enter: () => ({ type: 'go', port: 'next' }),
});
