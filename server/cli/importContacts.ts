import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { openDatabase } from '../db/client';
import { databasePathFromEnv } from '../build';
import { badRowsCsv, importContactsCsv } from '../ingest/csvImport';

/**
 * `npm run import -- contacts.csv`: imports contacts into the database the
 * server uses (DATABASE_PATH, default ./data/journeys.db), with a progress bar.
 * Bad rows are listed by line number and written to `<file>.errors.csv`; the
 * good rows land regardless. Exit code: 0 all rows landed, 2 some rows were
 * rejected, 1 nothing could be read (missing file, no user_id column).
 */
async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || file === '--help' || file === '-h') {
    console.error('usage: npm run import -- contacts.csv\n  a header row with user_id (required) and any of phone, email, timezone, registered_at, opt_outs, or other traits');
    return 1;
  }
  const path = resolve(file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    console.error(`cannot read ${path}: no such file`);
    return 1;
  }
  const databasePath = databasePathFromEnv();
  const db = openDatabase(databasePath);
  const bar = new cliProgress.SingleBar(
    { format: 'importing |{bar}| {percentage}% · {rows} rows · {bad} bad · {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(size, 0, { rows: 0, bad: 0 });
  const started = performance.now();
  try {
    const report = await importContactsCsv(db, createReadStream(path, { highWaterMark: 1 << 20 }), {
      now: Date.now(),
      onProgress: (p) => bar.update(p.bytes, { rows: p.rows, bad: p.bad }),
    });
    bar.update(size);
    bar.stop();
    const secs = (performance.now() - started) / 1000;
    console.log(`${report.rows} rows in ${secs.toFixed(1)} s: ${report.created} contacts created, ${report.updated} updated, ${report.bad.length} rejected (database ${databasePath})`);
    if (report.bad.length === 0) return 0;
    for (const b of report.bad.slice(0, 20)) console.log(`  line ${b.line}: ${b.error}`);
    if (report.bad.length > 20) console.log(`  … and ${report.bad.length - 20} more`);
    const errorsFile = `${path}.errors.csv`;
    writeFileSync(errorsFile, badRowsCsv(report.bad));
    console.log(`every rejected row, by line: ${errorsFile}`);
    return 2;
  } catch (e) {
    bar.stop();
    console.error(`import failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    db.$client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
