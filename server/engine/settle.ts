import type { Db } from '../db/client';
import { utcDay } from '../../shared/util/time';
import { smsStats } from '../../shared/templates/sms';
import type { SimulatedResponse } from '../channels/provider';
import type { Attempt, ClaimedMessage, Outbox } from '../outbox';
import { decideRetry, type RetryPolicy } from '../outbox/retry';
import type { ChannelHealth } from '../outbox/health';
import { runStore } from '../runs';
import { addToMetric } from './counters';
import type { Sent } from './renderMessage';
import type { DispatchReport } from './dispatcher';

/** A provider's answer waiting to be recorded: its lane's clock and retry policy, and the report it counts in. */
export interface Answer {
  lane: { now: number; policy: RetryPolicy };
  s: Sent;
  /** its dispatch call's report (inline), or whatever the next call returns (background) */
  report: () => DispatchReport;
}

export interface SettleDeps {
  db: Db;
  outbox: Outbox;
  health: ChannelHealth;
  /** simulated replies (sandbox) become events at `at`; the message they answer rides along */
  onResponse: (contactId: number, messageId: number, r: SimulatedResponse, at: number) => void;
  /** [0, 1) for the retry of `key` at `attempt` */
  jitter: (key: string, attempt: number) => number;
  /** one line per dead letter */
  log: (line: string) => void;
  /** a slice that began at `from` ends before item `i` (writeGate.ts: one item at least, then once an API writer waits) */
  sliceEndsAt: (i: number, from: number) => boolean;
}

/**
 * The dispatcher's record of providers' answers (engine/dispatcher.ts: the
 * answers of one turn of the event loop settle together). The function it
 * returns writes what answered from `from` on, in one transaction: status and history
 * through the outbox, links, metrics, simulated replies, health. Returns where
 * it stopped: the end, or earlier when an API writer waits (`yieldAfterMs`);
 * the caller settles the rest in a transaction of its own.
 */
export function createSettle({ db, outbox, health, onResponse, jitter, log, sliceEndsAt }: SettleDeps): (done: readonly Answer[], from: number) => number {
  const c = db.$client;
  const runs = runStore(db);
  const insertLink = c.prepare('insert into links (code, message_id, url, created_at) values (?, ?, ?, ?) on conflict (code) do nothing');
  const bumpMetric = c.prepare(addToMetric);
  return outbox.transaction((done: readonly Answer[], from: number): number => {
    const tally = new Map<string, { row: ClaimedMessage; metric: string; label: string; n: number; day: string }>();
    const count = (row: ClaimedMessage, day: string, metric: string, label = '', n = 1) => {
      const k = `${row.journey_id}\u0000${row.version}\u0000${row.node_id}\u0000${metric}\u0000${label}\u0000${day}`;
      const t = tally.get(k);
      if (t) t.n += n;
      else tally.set(k, { row, metric, label, n, day });
    };
    // the UTC day of a time is a date format away: once per clock reading, not once per message
    let dayOf = { now: Number.NaN, day: '' };
    // what was written here: a run waiting at its send node for one of them goes on if its message is now final
    // (sent, delivered, failed, dead; a retry is queued again and wakes nobody). One statement for all
    const settled: number[] = [];
    let settledAt = Number.NEGATIVE_INFINITY;
    let i = from;
    for (; i < done.length && !sliceEndsAt(i, from); i++) {
      const { lane, s, report: reportOf } = done[i] as (typeof done)[number];
      const { row, msg, variant, templateVersion, locale, localeFallback, links, result } = s;
      const report = reportOf();
      const now = lane.now;
      if (dayOf.now !== now) dayOf = { now, day: utcDay(now) };
      const { day } = dayOf;
      const a: Attempt = {
        attempts: row.attempts + 1,
        variant,
        templateVersion,
        locale,
        localeFallback,
        body: msg ? Object.values(msg.parts).join('\n') : null,
        response: JSON.stringify(result.response ?? null),
      };
      let wrote = false;
      if (result.status !== 'failed') {
        wrote = outbox.settleSent(row.id, result.status, a, now);
        if (wrote) {
          count(row, day, 'sent');
          if (variant !== null) count(row, day, 'sent_variant', variant);
          // per variant and language, so an A/B test reads by language too; and each contact whose language the template lacked
          if (variant !== null && locale !== null) count(row, day, 'sent_locale', `${variant}:${locale}`);
          if (localeFallback !== null) count(row, day, 'locale_fallback', localeFallback);
          // what it cost in billed units: SMS parts, one of anything else (the price per unit is applied when read)
          count(row, day, 'cost_units', '', row.channel === 'sms' ? smsStats(msg?.parts.body ?? '').parts : 1);
          if (result.status === 'delivered') count(row, day, 'delivered');
          for (const r of result.responses ?? []) onResponse(row.contact_id, row.id, r, now + r.delay);
          report.sent++;
        }
      } else if (result.retry) {
        const d = decideRetry(lane.policy, { attempts: a.attempts, firstFailedAt: row.first_failed_at, now, retryAfterMs: result.retryAfterMs }, jitter(row.key, a.attempts));
        if ('retryAt' in d) {
          const r = outbox.retry(row.id, a, result.error, d.retryAt, now);
          wrote = r !== null;
          if (r?.status === 'suppressed') count(row, day, 'suppressed', r.reason ?? '');
          else if (r) report.retried++;
        } else if ((wrote = outbox.deadLetter(row.id, a, result.error, d.dead, now))) {
          count(row, day, 'dead');
          report.dead++;
          log(`message ${row.id} (key ${row.key}, ${row.channel}, journey ${row.journey_id}, node ${row.node_id}) is a dead letter: ${d.dead}; last error: ${result.error}`);
        }
      } else if ((wrote = outbox.fail(row.id, a, result.error, now))) {
        count(row, day, 'failed');
        report.failed++;
      }
      if (!wrote) continue; // another engine took the message back meanwhile: its outcome is theirs to write
      settled.push(row.id);
      settledAt = Math.max(settledAt, now);
      for (const l of links) insertLink.run(l.code, row.id, l.url, now);
      if (s.answered) health.record(row.channel, result.status === 'failed', result.status === 'failed' ? result.error : null, now);
    }
    for (const t of tally.values()) bumpMetric.run(t.row.journey_id, t.row.version, t.row.node_id, t.metric, t.label, t.day, t.n);
    if (settled.length > 0) runs.wakeAwaiting(JSON.stringify(settled), settledAt);
    return i;
  });
}
