import { describe, expect, it } from 'vitest';
import { runCrashCycles } from '../testing/crashCycles';

const MAX_IN_FLIGHT = 16;

describe('crash safety of dispatch: kill -9 while a webhook vendor on 127.0.0.1 is being sent to', () => {
  it('loses nothing, leaves nothing stuck, keeps caps exact, and re-sends at most the in-flight limit per kill, never what the server had recorded', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const r = await runCrashCycles({ contacts: 3000, kills: 5, maxInFlight: MAX_IN_FLIGHT, seed });
    const why = `seed ${seed} (CRASH_SEED=${seed} repeats it): ${JSON.stringify({ ...r, kills: r.kills.map((k) => ({ ...k, recorded: k.recorded.size })) })}`;

    // the kills came mid-dispatch, or this test proves nothing
    expect(r.kills.length, why).toBeGreaterThanOrEqual(3);
    expect(
      r.kills.some((k) => k.inFlight > 0),
      why,
    ).toBe(true);
    // none lost: every contact not held out has its SMS, the vendor confirmed it, and the server recorded it
    expect(r.contacts, why).toBe(3000);
    expect(r.messages, why).toBe(3000 - r.holdouts);
    expect(r.distinctKeys, why).toBe(r.messages);
    // none stuck: nothing queued, sending, held, failed or dead
    expect(
      Object.keys(r.statuses).filter((s) => s !== 'sent' && s !== 'delivered'),
      why,
    ).toEqual([]);
    // caps exact: one SMS a contact, and the canvas counts each once
    expect(r.overCap, why).toBe(0);
    expect(r.sentMetric, why).toBe(r.messages);
    // duplicates: at most what was in flight at each kill, and never a message the server had recorded as sent
    for (const k of r.kills) {
      expect(k.inFlight, why).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      expect(k.duplicates, why).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      expect(k.duplicates, why).toBeLessThanOrEqual(k.inFlight);
      expect(k.recordedAndResent, why).toBe(0);
    }
    expect(r.vendorRequests - r.distinctKeys, why).toBe(r.kills.reduce((n, k) => n + k.duplicates, 0));
  }, 90_000);
});
