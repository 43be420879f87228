import { dayKeyIn } from '../format';
import type { RouterOutputs } from '../trpc';

export type ContactTimeline = RouterOutputs['contacts']['timeline'];
export type TimelineEvent = ContactTimeline['events'][number];
export type TimelineStep = ContactTimeline['steps'][number];
export type TimelineMessage = ContactTimeline['messages'][number];
export type TimelineRun = ContactTimeline['runs'][number];

export const entryKinds = ['event', 'step', 'message'] as const;
export type EntryKind = (typeof entryKinds)[number];

/** What the journey a step or message belongs to is called, for the line to name it. */
export interface JourneyRef {
  id: string;
  name: string;
}

export type TimelineEntry =
  | { kind: 'event'; key: string; at: number; event: TimelineEvent }
  /** `repeat`: the how-many-th time this run entered this node (a step's `visit` counts every node the run entered) */
  | { kind: 'step'; key: string; at: number; step: TimelineStep; journey: JourneyRef; repeat: number }
  | { kind: 'message'; key: string; at: number; message: TimelineMessage; journey: JourneyRef };

export interface TimelineDay {
  /** YYYY-MM-DD in the contact's time zone */
  day: string;
  entries: TimelineEntry[];
}

/** The journey names the runs carry, by journey id (steps and messages name only the id). */
function journeyNames(runs: readonly TimelineRun[]): Map<string, string> {
  return new Map(runs.map((r) => [r.journey_id, r.name]));
}

/**
 * Events, journey steps and messages as one list, newest first. A message sits right above
 * the step that sent it (same journey, node and instant), so "entered sms_1" and the SMS read
 * together even when several nodes ran within one tick.
 */
export function mergeTimeline(t: Pick<ContactTimeline, 'events' | 'runs' | 'steps' | 'messages'>): TimelineEntry[] {
  const names = journeyNames(t.runs);
  const journey = (id: string): JourneyRef => ({ id, name: names.get(id) ?? id });
  const pending = new Map<string, TimelineMessage[]>();
  const slot = (journeyId: string, nodeId: string, at: number) => `${journeyId}\u0000${nodeId}\u0000${at}`;
  for (const m of t.messages) {
    const k = slot(m.journey_id, m.node_id, m.created_at);
    pending.set(k, [...(pending.get(k) ?? []), m]);
  }
  const messageEntry = (m: TimelineMessage): TimelineEntry => ({ kind: 'message', key: `m${m.id}`, at: m.created_at, message: m, journey: journey(m.journey_id) });

  // steps come newest first, so a node's occurrences count down from its total in the run
  const left = new Map<string, number>();
  for (const s of t.steps) left.set(`${s.run_id}:${s.node_id}`, (left.get(`${s.run_id}:${s.node_id}`) ?? 0) + 1);
  const runLines: TimelineEntry[] = [];
  for (const s of t.steps) {
    const nodeKey = `${s.run_id}:${s.node_id}`;
    const repeat = left.get(nodeKey) ?? 1;
    left.set(nodeKey, repeat - 1);
    const k = slot(s.journey_id, s.node_id, s.at);
    // one message per visit: the first step line at that slot takes it
    const sent = pending.get(k)?.shift();
    if (sent) runLines.push(messageEntry(sent));
    runLines.push({ kind: 'step', key: `s${s.run_id}:${s.node_id}:${s.visit}`, at: s.at, step: s, journey: journey(s.journey_id), repeat });
  }
  const unplaced = [...pending.values()].flat().map(messageEntry);
  const events = t.events.map((e): TimelineEntry => ({ kind: 'event', key: `e${e.id}`, at: e.at, event: e }));
  // stable: at equal instants the run lines keep their order and stay above the event that caused them
  return [...runLines, ...unplaced, ...events].sort((a, b) => b.at - a.at || Number(a.kind === 'event') - Number(b.kind === 'event'));
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD (a key: the same in every language). */
export function dayIn(at: number, tz: string): string {
  return dayKeyIn(at, tz);
}

/** Consecutive entries (already newest first) by calendar day in the contact's time zone. */
export function groupByDay(entries: readonly TimelineEntry[], tz: string): TimelineDay[] {
  const days: TimelineDay[] = [];
  for (const e of entries) {
    const day = dayIn(e.at, tz);
    const last = days[days.length - 1];
    if (last?.day === day) last.entries.push(e);
    else days.push({ day, entries: [e] });
  }
  return days;
}

/** Entries whose kind is shown. */
export function filterEntries(entries: readonly TimelineEntry[], shown: ReadonlySet<EntryKind>): TimelineEntry[] {
  return entries.filter((e) => shown.has(e.kind));
}
