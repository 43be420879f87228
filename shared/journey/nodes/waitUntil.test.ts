import { describe, expect, it } from 'vitest';
import { aGraph, atOffset, compiled, effectsOf, JourneyDriver } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import { nextWindowStart, windowStretchEnd, type TimeWindow } from './waitUntil';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
/** Lunch or late afternoon on weekdays: when this product's users answer. */
const lunchOrAfternoon: TimeWindow[] = [
  { days: [...weekdays], from: '12:00', to: '14:00' },
  { days: [...weekdays], from: '16:00', to: '18:00' },
];
/** Shanghai wall-clock time (UTC+8, no DST). 2026-03-02 is a Monday. */
const cst = (local: string) => atOffset(local, 8);

function windowJourney(windows: TimeWindow[] = lunchOrAfternoon) {
  return compiled(
    aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('window', 'wait.until', { windows })
      .node('done', 'exit', { reason: 'in_window' })
      .then('entry', 'window')
      .then('window', 'done')
      .build(),
  );
}

describe('wait.until: schema and ports', () => {
  it('defaults to weekdays 12:00–14:00', () => {
    expect(defaultConfig('wait.until')).toEqual({ windows: [{ days: [...weekdays], from: '12:00', to: '14:00' }], maxVisits: null });
  });

  it.each([
    [{ windows: [] }, 'windows'],
    [{ windows: [{ days: [], from: '12:00', to: '14:00' }] }, 'windows.0.days'],
    [{ windows: [{ days: ['funday'], from: '12:00', to: '14:00' }] }, 'windows.0.days.0'],
    [{ windows: [{ from: '24:00', to: '23:00' }] }, 'windows.0.from'],
    [{ windows: [{ from: '9:00', to: '10:00' }] }, 'windows.0.from'],
    [{ windows: [{ from: '14:00', to: '12:00' }] }, 'windows.0.to'],
    [{ windows: [{ from: '12:00', to: '12:00' }] }, 'windows.0.to'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['wait.until'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('has one "next" port', () => {
    expect(nodeKinds['wait.until'].ports(defaultConfig('wait.until')).map((p) => p.id)).toEqual(['next']);
  });
});

describe('wait.until: next window in Asia/Shanghai, weekdays 12–14 or 16–18', () => {
  it.each([
    ['Mon 10:00 → Mon 12:00', '2026-03-02T10:00', '2026-03-02T12:00'],
    ['Mon 14:00 (end is exclusive) → Mon 16:00', '2026-03-02T14:00', '2026-03-02T16:00'],
    ['Mon 15:00 → Mon 16:00', '2026-03-02T15:00', '2026-03-02T16:00'],
    ['Mon 18:30 → Tue 12:00', '2026-03-02T18:30', '2026-03-03T12:00'],
    ['Fri 19:00 → Mon 12:00 (weekend rollover)', '2026-03-06T19:00', '2026-03-09T12:00'],
    ['Sat 13:00 (in hours, wrong day) → Mon 12:00', '2026-03-07T13:00', '2026-03-09T12:00'],
    ['Sun 23:59 → Mon 12:00', '2026-03-08T23:59', '2026-03-09T12:00'],
  ])('%s: the run waits for the window', (_name, local, next) => {
    const d = new JourneyDriver(windowJourney(), { now: cst(local), profile: { timezone: 'Asia/Shanghai' } });
    const r = d.start();
    expect(d.run).toMatchObject({ nodeId: 'window', status: 'waiting', wakeAt: cst(next) });
    expect(effectsOf(r.effects, 'wakeAt')).toEqual([{ type: 'wakeAt', nodeId: 'window', at: cst(next) }]);
  });

  it.each([
    ['Mon 12:00 (start is inclusive)', '2026-03-02T12:00'],
    ['Mon 13:59', '2026-03-02T13:59'],
    ['Fri 17:30', '2026-03-06T17:30'],
  ])('%s: inside a window the run goes on at once', (_name, local) => {
    const d = new JourneyDriver(windowJourney(), { now: cst(local), profile: { timezone: 'Asia/Shanghai' } });
    const r = d.start();
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'in_window' });
    expect(effectsOf(r.effects, 'wakeAt')).toEqual([]);
  });

  it('the timer at the window start moves the run on', () => {
    const d = new JourneyDriver(windowJourney(), { now: cst('2026-03-06T19:00'), profile: { timezone: 'Asia/Shanghai' } });
    d.start();
    expect(d.timer(cst('2026-03-09T11:59')).effects).toEqual([]);
    d.timer();
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'in_window' });
    expect(d.now).toBe(cst('2026-03-09T12:00'));
  });
});

describe('wait.until: the contact’s own time zone', () => {
  it('the same instant is lunch in Shanghai and Sunday night in New York', () => {
    const instant = Date.parse('2026-03-02T04:30:00Z'); // Mon 12:30 in Shanghai, Sun 23:30 in New York (UTC-5)
    const shanghai = new JourneyDriver(windowJourney(), { now: instant, profile: { timezone: 'Asia/Shanghai' } });
    shanghai.start();
    expect(shanghai.run.status).toBe('exited');

    const newYork = new JourneyDriver(windowJourney(), { now: instant, profile: { timezone: 'America/New_York' } });
    newYork.start();
    expect(newYork.run.wakeAt).toBe(atOffset('2026-03-02T12:00', -5));
  });

  it('follows a daylight-saving change: local noon after the switch', () => {
    const daily: TimeWindow[] = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '12:00', to: '14:00' }];
    // New York springs forward on Sun 2026-03-08: Saturday is UTC-5, Sunday noon is UTC-4
    expect(nextWindowStart(daily, atOffset('2026-03-07T15:00', -5), 'America/New_York')).toBe(atOffset('2026-03-08T12:00', -4));
  });

  it('an unknown time zone ends the run with an error instead of stranding it', () => {
    const d = new JourneyDriver(windowJourney(), { now: cst('2026-03-02T10:00'), profile: { timezone: 'Mars/Olympus_Mons' } });
    expect(() => d.start()).not.toThrow();
    expect(d.run.status).toBe('exited');
    expect(d.run.exitReason).toMatch(/^error:.*time zone/);
  });
});

describe('wait.until in a loop', () => {
  /** entry → window → push → back to window: one push per window, e.g. a daily lunch-time nudge, for at most 30 windows. */
  function nudgeLoop(windows: TimeWindow[]) {
    return compiled(
      aGraph()
        .node('entry', 'trigger.event', { event: 'signup' })
        .node('window', 'wait.until', { windows, maxVisits: 30 })
        .node('push', 'send', { channel: 'push', template: 'nudge' })
        .then('entry', 'window')
        .then('window', 'push')
        .then('push', 'window')
        .build(),
    );
  }

  it('coming back round inside the same window waits for the next window instead of sending again', () => {
    const d = new JourneyDriver(nudgeLoop(lunchOrAfternoon), { now: cst('2026-03-02T12:30') });
    const first = d.start();
    expect(effectsOf(first.effects, 'send')).toHaveLength(1);
    expect(d.run).toMatchObject({ nodeId: 'window', status: 'waiting', wakeAt: cst('2026-03-02T16:00') });

    const second = d.timer();
    expect(effectsOf(second.effects, 'send')).toHaveLength(1);
    expect(d.run).toMatchObject({ nodeId: 'window', status: 'waiting', wakeAt: cst('2026-03-03T12:00') });
  });

  it('a message deferred into the next window is sent once, not once more for that window in the same instant', () => {
    let deferred = false;
    const d = new JourneyDriver(nudgeLoop(lunchOrAfternoon), {
      now: cst('2026-03-02T13:30'),
      policy: () => {
        if (deferred) return { decision: 'allow' };
        deferred = true;
        return { decision: 'defer', until: cst('2026-03-02T16:30'), reason: 'cap_day' };
      },
    });
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'push', status: 'waiting', wakeAt: cst('2026-03-02T16:30') });
    const r = d.timer();
    expect(effectsOf(r.effects, 'send')).toHaveLength(1);
    expect(d.run).toMatchObject({ nodeId: 'window', status: 'waiting', wakeAt: cst('2026-03-03T12:00') });
    const passed = r.effects.flatMap((e) => (e.type === 'metric' && e.metric === 'edge' ? [e.nodeId] : []));
    expect(passed).toEqual(['push']); // the window that let the run through was rewound: it holds instead
  });

  it('overlapping windows count as one stretch', () => {
    const overlapping: TimeWindow[] = [
      { days: ['mon'], from: '12:00', to: '14:00' },
      { days: ['mon'], from: '13:00', to: '15:00' },
      { days: ['tue'], from: '09:00', to: '10:00' },
    ];
    expect(windowStretchEnd(overlapping, cst('2026-03-02T12:30'), 'Asia/Shanghai')).toBe(cst('2026-03-02T15:00'));
    expect(windowStretchEnd(overlapping, cst('2026-03-02T16:00'), 'Asia/Shanghai')).toBe(cst('2026-03-02T16:00'));
    const d = new JourneyDriver(nudgeLoop(overlapping), { now: cst('2026-03-02T12:30') });
    d.start();
    expect(effectsOf(d.effects, 'send')).toHaveLength(1);
    expect(d.run.wakeAt).toBe(cst('2026-03-03T09:00'));
  });
});
