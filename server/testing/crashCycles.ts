import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { killChild, startChild, type Child } from './childProcess';
import { seededRng } from '../../shared/util/hash';
import { DAY, HOUR } from '../../shared/util/time';

/**
 * kill -9 during dispatch, against a webhook vendor on 127.0.0.1: the crash
 * test and `npm run soak` both run these cycles. The vendor answers 200 after
 * a few milliseconds and records every request (its idempotency key) and when
 * it answered; the server is a child process (server/testing/childServer.ts),
 * killed with SIGKILL once the vendor has confirmed a random number more,
 * then started again on the same file. Its clock is fake by default (each
 * cycle an hour of `dev.advanceClock`, the dispatch inline), or real: the
 * child ticks on its own scheduler and sends from background lanes on its
 * engine thread, as `npm start` does.
 */
export interface CrashOptions {
  contacts: number;
  kills: number;
  /** the vendor channel's in-flight limit (CHANNEL_PROVIDERS sms.maxInFlight) */
  maxInFlight: number;
  /** seeds the kill points and the vendor's delays */
  seed: number;
  /** the vendor's answer time, ms: uniform in [min, max] */
  vendorDelayMs?: [number, number];
  /** the child's clock (default fake); real also opens quiet hours, so the test runs at any time of day */
  clock?: 'fake' | 'real';
  log?: (line: string) => void;
}

export interface KillRecord {
  /** vendor confirmations when the kill came */
  confirmedBefore: number;
  /** messages `sending` in the database at the kill (leased, not yet recorded) */
  inFlight: number;
  /** their keys */
  inFlightKeys: Set<string>;
  /** keys the server had recorded as sent or delivered at the kill */
  recorded: Set<string>;
  /** requests the vendor had received at the kill (an index into its log) */
  receivedBefore: number;
  /** keys in flight at this kill that the vendor had received before it and received again after it, however much later
   *  (on the real clock the next kill may come before a recovered message has gone again) */
  duplicates: number;
  /** keys the server had recorded as sent at this kill that the vendor received again after it: must be none */
  recordedAndResent: number;
}

export interface CrashReport {
  kills: KillRecord[];
  messages: number;
  contacts: number;
  holdouts: number;
  vendorRequests: number;
  distinctKeys: number;
  statuses: Record<string, number>;
  /** contacts with more SMS than the cap (one a day) */
  overCap: number;
  /** messages counted `sent` in the metrics */
  sentMetric: number;
  seconds: number;
}

const T0 = Date.UTC(2026, 10, 2, 2, 0);

interface Vendor {
  server: Server;
  url: string;
  /** every request in arrival order */
  received: string[];
  /** keys the vendor answered 200 to */
  confirmed: number;
  onConfirm: (() => void) | null;
}

function startVendor(rng: (key: string) => number, [min, max]: [number, number]): Promise<Vendor> {
  const v: Vendor = { server: null as unknown as Server, url: '', received: [], confirmed: 0, onConfirm: null };
  v.server = createServer((req, res) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    req.resume();
    req.on('end', () => {
      v.received.push(key);
      const delay = min + Math.floor(rng(`${key}:${v.received.length}`) * (max - min + 1));
      setTimeout(() => {
        res.once('finish', () => {
          v.confirmed++;
          v.onConfirm?.();
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
      }, delay);
    });
  });
  return new Promise((resolve) =>
    v.server.listen(0, '127.0.0.1', () => {
      v.url = `http://127.0.0.1:${(v.server.address() as AddressInfo).port}/sms`;
      resolve(v);
    }),
  );
}

/** The child server sending SMS to the vendor, at most `maxInFlight` at a time, on a fake or the real clock. */
const startVendorChild = (dbPath: string, vendorUrl: string, maxInFlight: number, clock: 'fake' | 'real'): Promise<Child> =>
  startChild(dbPath, T0, {
    CHANNEL_PROVIDERS: JSON.stringify({ sms: { type: 'webhook', url: vendorUrl, secret: 'crash-test-shared-secret', maxInFlight } }),
    ...(clock === 'real' ? { CLOCK: 'real' } : {}),
  });

/** Every enrolled contact not held out has its SMS, and none is waiting to go or out with the vendor. */
function drained(db: Database.Database): boolean {
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const due = n(`select count(*) n from runs where exit_reason is not 'holdout'`);
  return due > 0 && n(`select count(*) n from messages where channel = 'sms'`) === due && n(`select count(*) n from messages where status in ('queued', 'sending')`) === 0;
}

/** Resolves true once `done()` holds, false at the deadline (checked every 50 ms). */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; await new Promise((r) => setTimeout(r, 50))) if (done()) return true;
  return done();
}

/** Run the cycles on a fresh database; the report holds what the assertions (or the soak's figures) need. */
export async function runCrashCycles(o: CrashOptions): Promise<CrashReport> {
  const started = performance.now();
  const log = o.log ?? (() => {});
  const rng = seededRng(o.seed);
  const vendor = await startVendor(rng, o.vendorDelayMs ?? [1, 12]);
  const dir = mkdtempSync(join(tmpdir(), 'journeys-crash-'));
  const dbPath = join(dir, 'crash.db');
  let child: Child | undefined;
  const kills: KillRecord[] = [];
  const clock = o.clock ?? 'fake';
  const t0 = clock === 'real' ? Date.now() : T0;
  try {
    child = await startVendorChild(dbPath, vendor.url, o.maxInFlight, clock);
    const auth = `Basic ${Buffer.from(`${child.writeKey}:`).toString('base64')}`;
    for (let from = 0; from < o.contacts; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, o.contacts - from) }, (_, k) => ({
        type: 'identify',
        userId: `c${from + k}`,
        traits: { name: `c${from + k}`, phone: `+8613${String(from + k).padStart(9, '0')}`, registered_at: new Date(t0 - ((from + k) % 80) * DAY - 1000).toISOString() },
      }));
      const res = await fetch(`${child.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ batch }) });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    }
    const journey = (await child.trpc.journeys.list.query()).find((j) => j.blueprint === 'registered_never_logged_in');
    if (!journey) throw new Error('blueprint 1 missing');
    if (clock === 'real') {
      // any hour of the day: no quiet hours; and the segment enrols now, not at its next scheduled entry
      await child.trpc.policy.set.mutate({ ...(await child.trpc.policy.get.query()), quietHours: [] });
      await child.trpc.journeys.publish.mutate({ id: journey.id, enrolNow: true });
    } else await child.trpc.journeys.publish.mutate({ id: journey.id });

    const db = new Database(dbPath, { readonly: true });
    try {
      for (let k = 0; k < o.kills; k++) {
        // the kill comes after 20 to 400 more confirmations, or never if the outbox drains first
        const target = vendor.confirmed + 20 + Math.floor(rng(`kill:${k}`) * 380);
        const c = child;
        const hit = new Promise<boolean>((resolve) => {
          vendor.onConfirm = () => {
            if (vendor.confirmed >= target) {
              vendor.onConfirm = null;
              resolve(true);
            }
          };
          // fake clock: an hour of it sends all that is due; real: the scheduler sends it, until the outbox drains
          const drains = clock === 'real' ? until(() => drained(db), 60_000) : c.trpc.dev.advanceClock.mutate({ ms: HOUR });
          void drains.then(
            () => resolve(false),
            () => resolve(false),
          );
        });
        const killed = await hit;
        if (killed) await killChild(c);
        vendor.onConfirm = null;
        if (!killed) {
          log(`cycle ${k + 1}: the outbox drained before the kill point`);
          break;
        }
        const keysOf = (status: string) =>
          new Set((db.prepare(`select run_id || ':' || node_id || ':' || visit key from messages where status ${status}`).all() as { key: string }[]).map((r) => r.key));
        const inFlightKeys = keysOf(`= 'sending'`);
        const inFlight = inFlightKeys.size;
        const recorded = keysOf(`in ('sent', 'delivered')`);
        kills.push({ confirmedBefore: vendor.confirmed, inFlight, inFlightKeys, recorded, receivedBefore: vendor.received.length, duplicates: 0, recordedAndResent: 0 });
        log(`kill ${k + 1}: ${vendor.confirmed} confirmed by the vendor, ${recorded.size} recorded, ${inFlight} in flight`);
        child = await startVendorChild(dbPath, vendor.url, o.maxInFlight, clock);
      }
      // the last server drains what is left
      if (clock === 'real') {
        if (!(await until(() => drained(db), 60_000))) log('the outbox did not drain within 60 s');
      } else await child.trpc.dev.advanceClock.mutate({ ms: HOUR });
      await killChild(child);
      // in-flight answers the vendor had not written yet reach it now or never: wait for them to land
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      db.close();
    }

    // each repeat belongs to a kill at which its message was in flight: received before the kill, and again after it
    for (const kr of kills) {
      const before = new Set(vendor.received.slice(0, kr.receivedBefore));
      const after = new Set(vendor.received.slice(kr.receivedBefore));
      kr.duplicates = [...kr.inFlightKeys].filter((key) => before.has(key) && after.has(key)).length;
      kr.recordedAndResent = [...kr.recorded].filter((key) => after.has(key)).length;
    }

    const check = new Database(dbPath, { readonly: true });
    try {
      const n = (sql: string) => (check.prepare(sql).get() as { n: number }).n;
      return {
        kills,
        messages: n(`select count(*) n from messages where channel = 'sms'`),
        contacts: n(`select count(distinct contact_id) n from runs`),
        holdouts: n(`select count(*) n from runs where exit_reason = 'holdout'`),
        vendorRequests: vendor.received.length,
        distinctKeys: new Set(vendor.received).size,
        statuses: Object.fromEntries((check.prepare(`select status, count(*) n from messages group by status`).all() as { status: string; n: number }[]).map((r) => [r.status, r.n])),
        overCap: n(`select count(*) n from (select contact_id from messages where channel = 'sms' group by contact_id having count(*) > 1)`),
        sentMetric: n(`select coalesce(sum(count), 0) n from metrics where node_id = 'sms_1' and metric = 'sent'`),
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      check.close();
    }
  } finally {
    if (child) await killChild(child);
    vendor.server.closeAllConnections();
    vendor.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
