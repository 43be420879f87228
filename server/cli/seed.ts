import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { openDatabase } from '../db/client';
import { databasePathFromEnv } from '../build';
import { populationStories, type ContactStory } from '../demo/population';
import { writeHistory } from '../demo/history';
import { countInFunnel, emptyFunnel, formatFunnel } from '../demo/funnel';

const usage = `usage: npm run seed -- [--contacts N] [--seed S] [--days D]
  Writes a synthetic lending-app population (the living demo's generator) into DATABASE_PATH
  (default ./data/journeys.db): N contacts (default 20000) registered over the last D days
  (default 365) with their events up to now, deterministic in S (default 7).
  The database must have no contacts yet.`;

/**
 * `npm run seed -- --contacts N`: the demo population, for benchmarks and
 * experiments, without the replay (`npm start` on an empty database does
 * both). Prints what it wrote: contacts, events by name, the funnel, timings.
 */
async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { contacts: { type: 'string', default: '20000' }, seed: { type: 'string', default: '7' }, days: { type: 'string', default: '365' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
    return 1;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const int = (name: string, raw: string, min: number, max: number): number | null => {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    console.error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"\n${usage}`);
    return null;
  };
  const contacts = int('contacts', args.contacts, 1, 10_000_000);
  const seed = int('seed', args.seed, 0, 2 ** 31);
  const days = int('days', args.days, 1, 3650);
  if (contacts === null || seed === null || days === null) return 1;
  const population = { contacts, seed, spanDays: days };

  const databasePath = databasePathFromEnv();
  const db = openDatabase(databasePath);
  try {
    const existing = db.$client.prepare<[], { n: number }>('select count(*) n from contacts').get()?.n ?? 0;
    if (existing > 0) {
      console.error(`${databasePath} already has ${existing.toLocaleString('en-US')} contacts; seed into an empty database (DATABASE_PATH=…)`);
      return 1;
    }
    const now = Date.now();
    const funnel = emptyFunnel();
    // streamed: a million contacts never sit in memory at once
    function* counted(): Generator<ContactStory> {
      for (const s of populationStories({ ...population, anchor: now })) {
        countInFunnel(funnel, s, now);
        yield s;
      }
    }
    // on a terminal only, and cleared when done
    const bar = new cliProgress.SingleBar(
      { format: 'writing contacts |{bar}| {value} / {total} · {eta_formatted} left', hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(population.contacts, 0);
    let report;
    try {
      report = await writeHistory(db, counted(), now, { chunk: 2000, onProgress: (done) => bar.update(done) });
    } finally {
      bar.stop();
    }
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const fmt = (n: number) => n.toLocaleString('en-US');
    console.log(
      `seed ${seed}: ${fmt(report.contacts)} contacts registered over ${days} days and ${fmt(report.events)} events, into ${databasePath} (${(statSync(databasePath).size / 2 ** 20).toFixed(1)} MiB)`,
    );
    console.log(
      `generated and written in ${(report.ms / 1000).toFixed(1)} s (${fmt(Math.round(report.contacts / (report.ms / 1000)))} contacts/s, ${fmt(Math.round(report.events / (report.ms / 1000)))} events/s)`,
    );
    console.log('events:');
    for (const [name, n] of Object.entries(report.byEvent).sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(28)} ${fmt(n).padStart(8)}`);
    console.log('funnel (share of registered):');
    for (const line of formatFunnel(funnel)) console.log(line);
    return 0;
  } finally {
    db.$client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`seed failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
