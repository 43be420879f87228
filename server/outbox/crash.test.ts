import { describe, expect, it } from 'vitest';
import { runCrashCycles, type CrashReport } from '../testing/crashCycles';

const MAX_IN_FLIGHT = 16;

/** Lost, stuck, caps and duplicates, as the issue counts them, for `contacts` contacts after the cycles of `r`. */
function expectSafe(r: CrashReport, contacts: number, why: string): void {
  // the kills came mid-dispatch, or this test proves nothing
  expect(r.kills.length, why).toBeGreaterThanOrEqual(3);
  expect(
    r.kills.some((k) => k.inFlight > 0),
    why,
  ).toBe(true);
  // none lost: every contact not held out has its SMS, the vendor confirmed it, and the server recorded it
  expect(r.contacts, why).toBe(contacts);
  expect(r.messages, why).toBe(contacts - r.holdouts);
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
}

const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const explain = (r: CrashReport) =>
  `seed ${seed} (CRASH_SEED=${seed} repeats it): ${JSON.stringify({ ...r, kills: r.kills.map((k) => ({ ...k, recorded: k.recorded.size, inFlightKeys: k.inFlightKeys.size })) })}`;

describe('crash safety of dispatch: kill -9 while a webhook vendor on 127.0.0.1 is being sent to', () => {
  it('loses nothing, leaves nothing stuck, keeps caps exact, and re-sends at most the in-flight limit per kill, never what the server had recorded', async () => {
    const r = await runCrashCycles({ contacts: 3000, kills: 5, maxInFlight: MAX_IN_FLIGHT, seed });
    expectSafe(r, 3000, explain(r));
  }, 90_000);

  it('the same on the real clock, as npm start runs: the scheduler ticks and background lanes on the engine thread send', async () => {
    const r = await runCrashCycles({ contacts: 3000, kills: 4, maxInFlight: MAX_IN_FLIGHT, seed, clock: 'real' });
    expectSafe(r, 3000, explain(r));
  }, 120_000);
});
