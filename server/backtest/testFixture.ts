import { mkdirSync } from 'node:fs';
import { afterEach } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { useTempDir } from '../testing/tempDir';
import type { BacktestJob } from './run';
import type { SandboxBehaviour } from '../channels/sandbox';
import type { Channel } from '../../shared/journey/channels';
import { loadBlueprints } from '../library/loadLibrary';
import type { JourneyGraph } from '../../shared/journey/graph';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';

/**
 * A recorded week for backtest tests: who signed up, what they did before
 * the window and during it, ingested the same way into any test world.
 */

/** Monday 2 Nov 2026, 00:00 UTC = 08:00 in Shanghai: inside quiet hours, so the first SMS waits for 09:00. */
export const S = Date.UTC(2026, 10, 2, 0, 0);
export const E = S + 7 * DAY;
export const SEED = 4242;

/** One Segment call, as ingestion takes it. */
export type Call = Parameters<TestWorld['services']['ingest']['ingest']>[0][number];
export const timeOf = (c: Call): number => Date.parse(('timestamp' in c && c.timestamp) || '');
export const iso = (t: number) => new Date(t).toISOString();

/**
 * 60 sign-ups of the last 80 days; before the window: 10 logged in (not in
 * the recall segment), 3 unsubscribed from SMS; inside it: logins spread over
 * the week (some within the 3-day wait: recalled; some later: a goal after
 * the call), credit steps abandoned (the event journey's trigger), twice for
 * some (SMS caps), credit rejections before and inside it (the marketing
 * cooldown), and unrelated noise.
 */
export function fixture(): { identify: Call[]; before: Call[]; during: Call[] } {
  const identify: Call[] = [];
  const before: Call[] = [];
  const during: Call[] = [];
  for (let i = 0; i < 60; i++) {
    const userId = `bt-${i}`;
    identify.push({ type: 'identify', userId, traits: { name: `用户${i}`, phone: `+8613900${String(100_000 + i)}`, registered_at: iso(S - ((i * 4) % 80) * DAY - 3 * HOUR) } });
    if (i % 6 === 0) before.push({ type: 'track', userId, event: 'app_login', timestamp: iso(S - (i % 20) * DAY - HOUR) });
    if (i % 20 === 7) before.push({ type: 'track', userId, event: 'unsubscribed', properties: { channel: 'sms' }, timestamp: iso(S - 2 * DAY) });
    if (i % 5 === 1) {
      const at = iso(S + ((i * 7) % 6) * DAY + 13 * HOUR + i * MINUTE);
      // a funnel step at the very moment of the login, before it and after it: the first is credited to
      // the nodes visited before the login moved the run on, the second to the exit it moved to as well
      if (i % 10 === 1) during.push({ type: 'track', userId, event: 'credit_application_started', timestamp: at });
      during.push({ type: 'track', userId, event: 'app_login', timestamp: at });
      if (i % 10 === 1) during.push({ type: 'track', userId, event: 'loan_drawn', timestamp: at });
    }
    if (i % 4 === 2) during.push({ type: 'track', userId, event: 'credit_step_abandoned', properties: { step: 'id_photo' }, timestamp: iso(S + (i % 7) * DAY + 5 * HOUR) });
    if (i % 8 === 2) during.push({ type: 'track', userId, event: 'credit_step_abandoned', properties: { step: 'bank_card' }, timestamp: iso(S + (i % 7) * DAY + 9 * HOUR) });
    if (i % 3 === 0) during.push({ type: 'track', userId, event: 'page', properties: { path: '/h5' }, timestamp: iso(S + (i % 7) * DAY + 2 * HOUR) });
    // credit rejections: before the window (the cooldown already runs at its start) and inside it (it starts mid-window)
    if (i % 9 === 4) before.push({ type: 'track', userId, event: 'credit_rejected', timestamp: iso(S - 5 * DAY) });
    if (i % 11 === 3) during.push({ type: 'track', userId, event: 'credit_rejected', timestamp: iso(S + 2 * DAY + HOUR) });
  }
  // re-registered lately, last logged in 86 days before the window: outside the recall segment at its start,
  // inside it from the daily entry four days later (the copy needs the old login to know)
  identify.push({ type: 'identify', userId: 'bt-late', traits: { name: '迟到', phone: '+8613900200000', registered_at: iso(S - 10 * DAY) } });
  before.push({ type: 'track', userId: 'bt-late', event: 'app_login', timestamp: iso(S - 86 * DAY) });
  during.sort((a, b) => timeOf(a) - timeOf(b));
  return { identify, before, during };
}

export const blueprint1 = (): JourneyGraph => {
  const b = loadBlueprints().find((x) => x.key === 'registered_never_logged_in');
  if (!b) throw new Error('blueprint 1 is missing');
  return b.graph;
};

/** A world at `start` with the fixture's sign-ups and their history before the window ingested (and, with `during`, the window's events too). */
export function aRecordedWorld(start: number, { during = false, sandbox = silentChannels }: { during?: boolean; sandbox?: Record<Channel, SandboxBehaviour> } = {}): TestWorld {
  const f = fixture();
  const w = aTestWorld(start, { sandbox, rngSeed: SEED });
  w.services.ingest.ingest([...f.identify, ...f.before, ...(during ? f.during : [])]);
  return w;
}

/**
 * Recorded worlds and folders for the tests of a file (call it at the top):
 * each closed, and each test's folder removed, after the test.
 * `draftJob(graph)` records the fixture's week, window included, in a new
 * world where `graph` is only a journey's draft, and gives the backtest job
 * over [S, E] with its copies in the test's folder.
 */
export function useRecordedWorlds(prefix: string) {
  const inDir = useTempDir(prefix);
  const worlds: TestWorld[] = [];
  afterEach(() => {
    for (const w of worlds.splice(0)) w.close();
  });
  const world = (start: number, opts?: Parameters<typeof aRecordedWorld>[1]): TestWorld => {
    const w = aRecordedWorld(start, opts);
    worlds.push(w);
    return w;
  };
  /** A new folder inside the test's. */
  const dir = (name: string): string => {
    const d = inDir(name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  return {
    world,
    dir,
    async draftJob(graph: JourneyGraph, o: Pick<BacktestJob, 'live'> & Partial<Pick<BacktestJob, 'threads' | 'name'>> = { live: null }): Promise<{ w: TestWorld; job: BacktestJob }> {
      const w = world(E + DAY, { during: true });
      const name = o.name ?? 'draft only';
      const { id } = await w.caller.journeys.create({ name });
      await w.caller.journeys.saveDraft({ id, graph });
      return { w, job: { sourcePath: w.dbPath, workDir: dir('work'), journeyId: id, name, draft: graph, live: o.live, from: S, to: E, ...(o.threads ? { threads: o.threads } : {}) } };
    },
  };
}
