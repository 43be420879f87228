/**
 * `npm run bench:migrate [-- <runs>]` (not part of `npm test` or `npm run bench`):
 * a live-version migration of a million waiting runs, timed through the
 * service the tRPC mutation calls (plan, then the move in one transaction).
 * Target: 1M waiting runs moved in ≤5 s.
 *
 * Set-up, per scenario: N contacts (default 1,000,000; bench/population.ts),
 * a journey whose v1 waits a day (wait.duration) after an event entry, every
 * contact waiting at that wait (rows written straight into runs and
 * node_gauges, as the engine would have left them: stepping a million runs
 * here would time the runner, not the migration), then v2 published:
 * - `same`: v2 changes the exit and keeps the wait's id (the usual edit):
 *   the runs change version and keep node, timer and path;
 * - `renamed`: v2's wait is a new node `wait2` of the same kind: the
 *   automatic mapping keeps each wake-up time and appends the new node to
 *   each run's path (counted as entered), the heavier write.
 * Writes bench/migrate-results.json.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aTestWorld } from '../server/testing/harness';
import { aGraph } from '../shared/fixtures/builders';
import { DAY } from '../shared/util/time';
import { seedContacts } from './population';

const N = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 1_000_000);
const T0 = Date.UTC(2026, 10, 2, 4, 0);
const here = dirname(fileURLToPath(import.meta.url));
const mb = (b: number) => Math.round(b / 1024 / 1024);

const version = (wait: string, reason: string) =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node(wait, 'wait.duration', { amount: 1, unit: 'days' })
    .node('done', 'exit', { reason })
    .then('entry', wait)
    .then(wait, 'done')
    .build();

async function scenario(kind: 'same' | 'renamed') {
  const w = aTestWorld(T0);
  const wait2 = kind === 'same' ? 'wait' : 'wait2';
  try {
    const c = w.db.$client;
    const seedStart = performance.now();
    seedContacts(c, N, T0);
    const id = await w.publish(version('wait', 'v1'), 'Bench migration');
    const v1 = (c.prepare('select id from journey_versions where journey_id = ? and version = 1').get(id) as { id: number }).id;
    c.exec(`insert into runs (journey_id, version_id, contact_id, node_id, status, visit, wake_at, entered_at, node_entered_at, path)
      select '${id}', ${v1}, id, 'wait', 'waiting', 2, ${T0 + DAY} + (id % 3600) * 1000, ${T0}, ${T0}, '[["entry",1,${T0},null],["wait",2,${T0},"next"]]' from contacts`);
    c.prepare(`insert into node_gauges (version_id, node_id, active) values (?, 'wait', ?)`).run(v1, N);
    await w.caller.journeys.saveDraft({ id, graph: version(wait2, 'v2') });
    await w.caller.journeys.publish({ id });
    console.log(`${kind}: seeded ${N.toLocaleString('en-US')} waiting runs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const rssBefore = process.memoryUsage().rss;
    let t = performance.now();
    const plan = w.services.migration.plan(id);
    const planSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const r = w.services.migration.migrate(id);
    const seconds = (performance.now() - t) / 1000;

    const gauges = c.prepare(`select g.node_id node, g.active n from node_gauges g join journey_versions v on v.id = g.version_id where v.journey_id = ? and g.active <> 0`).all(id);
    const wakeKept = (c.prepare(`select count(*) n from runs where version_id <> ${v1} and node_id = '${wait2}' and wake_at = ${T0 + DAY} + (contact_id % 3600) * 1000`).get() as { n: number }).n;
    const result = {
      scenario: kind,
      runs: N,
      moved: r.moved,
      seconds: Number(seconds.toFixed(2)),
      runsPerSecond: Math.round(r.moved / seconds),
      planSeconds: Number(planSeconds.toFixed(2)),
      planMoving: plan.totals.moving,
      wakeTimesKept: wakeKept,
      gaugesAfter: gauges,
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(process.memoryUsage().rss),
    };
    console.log(result);
    if (r.moved !== N || wakeKept !== N) throw new Error(`expected ${N} runs moved with their wake-up times, moved ${r.moved}, kept ${wakeKept}`);
    return result;
  } finally {
    w.close();
  }
}

const results = { same: await scenario('same'), renamed: await scenario('renamed') };
writeFileSync(
  join(here, 'migrate-results.json'),
  `${JSON.stringify({ targetSeconds: 5, loadAverage: loadavg().map((l) => Number(l.toFixed(2))), at: new Date().toISOString(), ...results }, null, 2)}\n`,
);
