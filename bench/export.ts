/**
 * `npx tsx bench/export.ts` (not part of `npm test` or `npm run bench`): the
 * audience export of a whole-population segment over real HTTP, as a browser
 * asks for it, timed from the request to the last byte, with the process's
 * peak RSS (the server and this reader share it; the reader keeps nothing).
 * Target at 1M contacts: ≤10 s and RSS ≤300 MB.
 *
 * Set-up: BENCH_CONTACTS contacts (default 1,000,000; bench/population.ts:
 * name, limit and phone traits), a segment "everyone" (registered in the last
 * 365 days), the real server on a fake clock; the export asks for
 * external_id, name, phone, trait:limit, registered_at as an analyst.
 * Writes bench/export-results.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/db/client';
import { startServer } from '../server/app';
import { FakeClock } from '../server/clock';
import { signIn, signedInClient, testAdmin, testPasswordCost } from '../server/testing/signIn';
import { seedContacts } from './population';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const T0 = Date.UTC(2026, 10, 2, 2, 0);
const here = dirname(fileURLToPath(import.meta.url));
const mb = (b: number) => Math.round(b / 1024 / 1024);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  const path = join(dir, 'bench.db');
  try {
    const seedStart = performance.now();
    const db = openDatabase(path);
    seedContacts(db.$client, N, T0);
    db.$client.close();
    console.log(`seeded ${N.toLocaleString('en-US')} contacts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const server = await startServer({
      port: 0,
      databasePath: path,
      clock: new FakeClock(T0),
      log: () => {},
      admin: testAdmin,
      approvals: false,
      seedDemo: false,
      services: { accounts: { passwordCost: testPasswordCost } },
    });
    try {
      const admin = await signedInClient(server.url, testAdmin, { batch: false });
      await admin.segments.save.mutate({ key: 'everyone', name: 'Everyone', rules: { match: 'all', conditions: [{ type: 'registered', maxDaysAgo: 365 }] } });
      await admin.users.create.mutate({ login: 'analyst', displayName: 'Analyst', password: 'bench-analyst-password', roles: ['analyst'] });
      const cookie = await signIn(server.url, 'analyst', 'bench-analyst-password');

      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const rssBefore = process.memoryUsage().rss;
      const t = performance.now();
      const res = await fetch(`${server.url}/export/audience.csv`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-journeys-client': 'bench' },
        body: JSON.stringify({ source: { kind: 'segment', segment: 'everyone' }, columns: ['external_id', 'name', 'phone', 'trait:limit', 'registered_at'] }),
      });
      if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
      const firstByte = performance.now() - t;
      let bytes = 0;
      let lines = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        for (const b of value) if (b === 10) lines++;
      }
      const seconds = (performance.now() - t) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const result = {
        contacts: N,
        rows: lines - 1,
        totalHeader: Number(res.headers.get('x-total-rows')),
        seconds: Number(seconds.toFixed(2)),
        rowsPerSecond: Math.round((lines - 1) / seconds),
        firstByteMs: Math.round(firstByte),
        megabytes: mb(bytes),
        rssBeforeMb: mb(rssBefore),
        rssPeakMb: mb(peak),
        at: new Date().toISOString(),
      };
      console.log(result);
      if (result.rows !== N || result.totalHeader !== N) throw new Error(`expected ${N} rows, got ${result.rows} (header ${result.totalHeader})`);
      writeFileSync(join(here, 'export-results.json'), `${JSON.stringify(result, null, 2)}\n`);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
