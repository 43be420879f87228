/**
 * `npm run bench:export [-- contacts]` (not part of `npm test` or `npm run bench`): the
 * audience export of a whole-population segment over real HTTP, as a browser
 * asks for it, timed from the request to the last byte, with the server's
 * RSS: the server runs as a child process (server/testing/childServer.ts,
 * as under npm start), sampled from /proc every 50 ms, and its lifetime peak
 * (VmHWM) read at the end; this process (seeding and reading) is reported
 * apart. Target at 1M contacts: ≤10 s and server RSS ≤300 MB.
 *
 * Set-up: the argument's (or BENCH_CONTACTS's) contacts (default 1,000,000; bench/population.ts:
 * name, limit and phone traits), a segment "everyone" (registered in the last
 * 365 days), the real server on a fake clock; the export asks for
 * external_id, name, phone, trait:limit, registered_at as an analyst.
 * Writes bench/export-results.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/db/client';
import { killChild, startChild } from '../server/testing/childProcess';
import { signIn } from '../server/testing/signIn';
import { seedContacts } from './population';

const N = Number(process.argv[2] ?? process.env.BENCH_CONTACTS ?? 1_000_000);
const T0 = Date.UTC(2026, 10, 2, 2, 0);
const here = dirname(fileURLToPath(import.meta.url));
const mb = (b: number) => Math.round(b / 1024 / 1024);
/** A process's resident set now (VmRSS) and at its peak so far (VmHWM), in MB, from /proc. */
function rssOf(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  const path = join(dir, 'bench.db');
  try {
    const seedStart = performance.now();
    const db = openDatabase(path);
    seedContacts(db.$client, N, T0);
    db.$client.close();
    console.log(`seeded ${N.toLocaleString('en-US')} contacts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const child = await startChild(path, T0, { SEED_DEMO: '0' });
    const pid = child.proc.pid as number;
    const server = { url: child.url, close: () => killChild(child) };
    try {
      const admin = child.trpc;
      await admin.segments.save.mutate({ key: 'everyone', name: 'Everyone', rules: { match: 'all', conditions: [{ type: 'registered', maxDaysAgo: 365 }] } });
      await admin.users.create.mutate({ login: 'analyst', displayName: 'Analyst', password: 'bench-analyst-password', roles: ['analyst'] });
      const cookie = await signIn(server.url, 'analyst', 'bench-analyst-password');

      const serverBefore = rssOf(pid).now;
      let serverPeak = serverBefore;
      const serverSampler = setInterval(() => (serverPeak = Math.max(serverPeak, rssOf(pid).now)), 50);
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
      clearInterval(serverSampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const serverAfter = rssOf(pid);
      const result = {
        contacts: N,
        rows: lines - 1,
        totalHeader: Number(res.headers.get('x-total-rows')),
        seconds: Number(seconds.toFixed(2)),
        rowsPerSecond: Math.round((lines - 1) / seconds),
        firstByteMs: Math.round(firstByte),
        megabytes: mb(bytes),
        serverRssBeforeMb: serverBefore,
        serverRssPeakMb: Math.max(serverPeak, serverAfter.now),
        serverVmHwmMb: serverAfter.peak,
        readerRssBeforeMb: mb(rssBefore),
        readerRssPeakMb: mb(peak),
        targets: { seconds: 10, serverRssMb: 300 },
        // other work on the machine stretches every time here: the results keep the load average seen at the end
        loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
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
