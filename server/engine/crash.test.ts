import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { killChild, startChild, type Child } from '../testing/childProcess';
import { DAY } from '../../shared/util/time';

const T0 = Date.UTC(2026, 10, 2, 2, 0);
const N = 20_000;

/** Poll the database (a second connection; WAL lets it read while the child writes) until `ready` holds, then SIGKILL. */
async function killWhen(c: Child, db: Database.Database, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000 && c.proc.exitCode === null; i++) {
    if (ready()) return killChild(c);
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('the moment to kill never came');
}

describe('crash safety: SIGKILL mid-work, restart, no duplicate send and none lost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-crash-'));
  const dbPath = join(dir, 'crash.db');
  let child: Child | undefined;
  afterAll(() => {
    child?.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds across two kills: one while runs are stepped, one while the outbox drains', async () => {
    child = await startChild(dbPath, T0);
    const auth = `Basic ${Buffer.from(`${child.writeKey}:`).toString('base64')}`;
    for (let from = 0; from < N; from += 1000) {
      const batch = Array.from({ length: 1000 }, (_, k) => ({
        type: 'identify',
        userId: `c${from + k}`,
        traits: { name: `用户${from + k}`, phone: `+8613${String(from + k).padStart(9, '0')}`, registered_at: new Date(T0 - ((from + k) % 80) * DAY - 1000).toISOString(), limit: 5000 },
      }));
      const res = await fetch(`${child.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ batch }) });
      expect(res.status).toBe(200);
    }
    const journey = (await child.trpc.journeys.list.query()).find((j) => j.blueprint === 'registered_never_logged_in');
    if (!journey) throw new Error('blueprint 1 missing');
    await child.trpc.journeys.publish.mutate({ id: journey.id, enrolNow: true });

    const db = new Database(dbPath, { readonly: true });
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    try {
      // kill 1: enrolled, the runner part-way through its batches
      void child.trpc.dev.advanceClock.mutate({ ms: DAY }).catch(() => undefined);
      await killWhen(child, db, () => one(`select count(*) n from runs where node_id <> 'entry'`) > 0);
      const steppedAtKill1 = one(`select count(*) n from runs where node_id <> 'entry'`);

      // kill 2: the SMS outbox part-way drained
      child = await startChild(dbPath, T0);
      void child.trpc.dev.advanceClock.mutate({ ms: DAY }).catch(() => undefined);
      await killWhen(child, db, () => one(`select count(*) n from messages where status in ('sent', 'delivered')`) > 0);
      const pendingAtKill2 = one(`select count(*) n from messages where status in ('queued', 'sending')`);
      const doneAtKill2 = one(`select count(*) n from messages where status in ('sent', 'delivered')`);

      // the kills really came mid-work, or this test proves nothing
      expect(steppedAtKill1).toBeLessThan(N);
      expect(pendingAtKill2).toBeGreaterThan(0);
      expect(doneAtKill2).toBeGreaterThan(0);

      // recover and finish
      child = await startChild(dbPath, T0);
      await child.trpc.dev.advanceClock.mutate({ ms: DAY });
    } finally {
      db.close();
    }
    await killChild(child);

    const check = new Database(dbPath, { readonly: true });
    try {
      const q = (sql: string) => (check.prepare(sql).get() as { n: number }).n;
      // every contact enrolled exactly once
      expect(q(`select count(*) n from runs`)).toBe(N);
      expect(q(`select count(distinct contact_id) n from runs`)).toBe(N);
      const held = q(`select count(*) n from runs where exit_reason = 'holdout'`);
      // none lost: every contact not held out has its recall SMS, and it left the outbox
      const sms = q(`select count(*) n from messages where node_id = 'sms_1'`);
      expect(sms).toBe(N - held);
      expect(q(`select count(distinct contact_id) n from messages where node_id = 'sms_1'`)).toBe(N - held);
      expect(q(`select count(*) n from messages where status not in ('sent', 'delivered')`)).toBe(0);
      // no duplicate: the gateway accepted each message exactly once
      expect(q(`select count(*) n from sandbox_deliveries where outcome != 'failed'`)).toBe(sms);
      expect(q(`select count(*) n from (select message_id from sandbox_deliveries where outcome != 'failed' group by message_id having count(*) > 1)`)).toBe(0);
      // and the canvas counts match the outbox exactly
      expect(q(`select coalesce(sum(count), 0) n from metrics where node_id = 'sms_1' and metric = 'sent'`)).toBe(sms);
      expect(q(`select coalesce(sum(count), 0) n from metrics where node_id = 'sms_1' and metric = 'entered'`)).toBe(sms);
    } finally {
      check.close();
    }
  }, 180_000);
});
