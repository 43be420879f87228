import type { TestWorld } from './harness';
import { DAY } from '../../shared/util/time';
import { hash32 } from '../../shared/util/hash';

/** A stable draw in [0, 1) per (contact number, salt): a test world's "who acts today", the same every run. */
export const draw = (i: number, salt: string): number => hash32(`${salt}:${i}`) / 0x1_0000_0000;

/**
 * `n` sign-ups (p0 … p{n−1}, registered over the 60 days before `t0`, never
 * logged in) and the recall blueprint published to them at once: the analytics
 * tests' common start. The blueprints must be seeded. Returns the journey id.
 */
export async function publishRecallToSignups(w: TestWorld, n: number, t0: number): Promise<string> {
  w.services.ingest.ingest(
    Array.from({ length: n }, (_, i) => ({
      type: 'identify' as const,
      userId: `p${i}`,
      traits: { name: `用户${i}`, phone: `+86135${String(i).padStart(8, '0')}`, limit: 8000, registered_at: new Date(t0 - (1 + (i % 60)) * DAY).toISOString() },
    })),
  );
  const j = (await w.caller.journeys.list()).find((x) => x.blueprint === 'registered_never_logged_in');
  if (!j) throw new Error('the recall blueprint is missing');
  await w.caller.journeys.publish({ id: j.id, enrolNow: true });
  return j.id;
}
