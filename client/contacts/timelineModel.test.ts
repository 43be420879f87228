import { describe, expect, it } from 'vitest';
import { dayIn, filterEntries, groupByDay, mergeTimeline, type ContactTimeline } from './timelineModel';
import { dateTimeIn, dayLabel, timeIn } from './zonedFormat';

const T = Date.UTC(2026, 10, 2, 14, 30); // 22:30 in Shanghai
const HOUR = 3_600_000;

/** a contact who registered, entered a journey, was sent an SMS the next morning, and logged in */
function aTimeline(): Pick<ContactTimeline, 'events' | 'runs' | 'steps' | 'messages'> {
  const step = (node_id: string, at: number, visit = 1) => ({ run_id: 7, journey_id: 'j1', version: 2, node_id, visit, at, node_title: null, node_kind: null });
  return {
    events: [
      { id: 2, name: 'app_login', type: 'track', properties: {}, at: T + 12 * HOUR },
      { id: 1, name: 'identify', type: 'system', properties: {}, at: T },
    ],
    runs: [
      {
        id: 7,
        journey_id: 'j1',
        name: 'Never logged in',
        version: 2,
        node_id: 'exit',
        status: 'exited',
        entered_at: T,
        exit_reason: 'goal',
        exited_at: T + 12 * HOUR,
        wake_at: null,
        waiting_for: null,
        node_title: 'Done',
        node_kind: 'exit',
      },
    ],
    steps: [step('exit', T + 12 * HOUR), step('wait_login', T), step('sms_1', T), step('entry', T)],
    messages: [
      {
        id: 5,
        journey_id: 'j1',
        version: 2,
        node_title: 'Recall SMS',
        node_kind: 'send',
        node_id: 'sms_1',
        channel: 'sms',
        template: 't',
        variant: 'a',
        status: 'delivered',
        reason: null,
        body: 'hi',
        created_at: T,
        history: [],
      },
    ],
  };
}

describe('contact timeline model', () => {
  it('merges events, steps and messages newest first, each message right above the step that sent it', () => {
    const entries = mergeTimeline(aTimeline());
    expect(entries.map((e) => (e.kind === 'event' ? e.event.name : e.kind === 'step' ? e.step.node_id : `msg:${e.message.channel}`))).toEqual([
      'exit',
      'app_login',
      'wait_login',
      'msg:sms',
      'sms_1',
      'entry',
      'identify',
    ]);
    expect(entries.find((e) => e.kind === 'step')).toMatchObject({ journey: { id: 'j1', name: 'Never logged in' }, repeat: 1 });
  });

  it('counts how many times a run entered the same node (a loop), not its visit number', () => {
    const step = (node_id: string, visit: number) => ({ run_id: 7, journey_id: 'j1', version: 2, node_id, visit, at: T + visit, node_title: null, node_kind: null });
    const entries = mergeTimeline({ events: [], runs: [], messages: [], steps: [step('wait', 4), step('check', 3), step('wait', 2), step('entry', 1)] });
    expect(entries.map((e) => (e.kind === 'step' ? `${e.step.node_id}#${e.repeat}` : e.kind))).toEqual(['wait#2', 'check#1', 'wait#1', 'entry#1']);
  });

  it('places a message whose step is beyond the limit by its own time, and names an unknown journey by id', () => {
    const t = aTimeline();
    const entries = mergeTimeline({ ...t, runs: [], steps: [], messages: [{ ...t.messages[0]!, created_at: T + HOUR }] });
    expect(entries.map((e) => e.kind)).toEqual(['event', 'message', 'event']);
    expect(entries[1]).toMatchObject({ journey: { id: 'j1', name: 'j1' } });
  });

  it("groups by calendar day in the contact's time zone, not the browser's", () => {
    const entries = mergeTimeline(aTimeline());
    expect(groupByDay(entries, 'Asia/Shanghai').map((d) => [d.day, d.entries.length])).toEqual([
      ['2026-11-03', 2],
      ['2026-11-02', 5],
    ]);
    // in Los Angeles both instants fall on Nov 2 (06:30 and 18:30)
    expect(groupByDay(entries, 'America/Los_Angeles').map((d) => d.day)).toEqual(['2026-11-02']);
    expect(dayIn(T, 'America/New_York')).toBe('2026-11-02');
  });

  it('filters by kind', () => {
    const entries = mergeTimeline(aTimeline());
    expect(filterEntries(entries, new Set(['message'] as const)).map((e) => e.kind)).toEqual(['message']);
    expect(filterEntries(entries, new Set())).toEqual([]);
  });

  it('formats times in the given zone', () => {
    expect(timeIn(T, 'Asia/Shanghai')).toBe('22:30');
    expect(dateTimeIn(T + 10.5 * HOUR, 'Asia/Shanghai')).toBe('Nov 3, 2026, 09:00');
    expect(dayLabel('2026-11-03')).toBe('Tuesday, Nov 3, 2026');
  });
});
