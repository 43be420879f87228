import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import { serverMetrics } from './metrics';

/** Midnight in Shanghai: marketing SMS wait for quiet hours to end (deferred). */
const MIDNIGHT_SH = Date.UTC(2026, 10, 2, 16, 0);

describe('serverMetrics: the outbox counted at scrape', () => {
  let w: TestWorld;
  afterEach(() => w.close());

  const deferred = async (m: ReturnType<typeof serverMetrics>) => {
    const line = (await m.render()).split('\n').find((l) => l.startsWith('journeys_outbox_messages{') && l.includes('status="deferred"'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('recounts the statuses no index serves at most every slowCountMs, and the tick lag only with a scheduler', async () => {
    w = aTestWorld(MIDNIGHT_SH);
    await w.publish(sendOnEventGraph(), 'Night');
    let now = 0;
    const m = serverMetrics(w.db, null, { slowCountMs: 60_000, now: () => now });
    w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(await deferred(m)).toBe(1);
    w.services.ingest.ingest([{ type: 'track', userId: 'b', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(await deferred(m)).toBe(1);
    now += 60_000;
    expect(await deferred(m)).toBe(2);
    expect(await m.render()).not.toContain('journeys_engine_tick_lag_seconds');
    expect(await serverMetrics(w.db, () => 2.5).render()).toMatch(/^journeys_engine_tick_lag_seconds 2\.5$/m);
  });
});
