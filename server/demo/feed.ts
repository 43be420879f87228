import type { Db } from '../db/client';
import type { Call } from '../ingest/calls';
import type { IngestService } from '../services/ingest';
import { DAY } from '../../shared/util/time';
import { cycleStartAt, ledgerDay, loanStateAt, refreshAt, sameLoanState, type LoanState } from './loans';
import type { Population } from './population';

/** One thing the population does after the replay starts, as the SDK or the loan system would send it. */
export type FeedItem =
  | { at: number; externalId: string; type: 'identify'; traits: Record<string, unknown> }
  | { at: number; externalId: string; type: 'track'; event: string; properties: Record<string, unknown> }
  /** the loan system's 08:00 refresh; `since`: when the instalment it reports became due to pay */
  | { at: number; externalId: string; type: 'refresh'; state: LoanState; since: number | null };

/**
 * Goal events a message reply may already have produced: the organic copy of
 * one is dropped when the contact did it in answer to a message within this
 * many ms before (someone who drew the loan after the call does not draw it
 * again a week later because their story said so).
 */
const replacedByReplies: Record<string, number> = {
  credit_application_started: 30 * DAY,
  credit_step_completed: 7 * DAY,
  loan_drawn: 30 * DAY,
  loan_repaid: 10 * DAY,
};

/**
 * Everything the population does in (`from`, its `until`], in time order:
 * sign-ups (an identify with every trait), identifies and events, and the
 * loan system's daily refresh of days_to_due / amount_due for each borrower
 * with an open instalment (and once more when the last is repaid).
 */
export function futureOf(pop: Population, from: number): FeedItem[] {
  const out: FeedItem[] = [];
  const until = pop.options.until;
  for (const s of pop.stories) {
    if (s.registeredAt > from) out.push({ at: s.registeredAt, externalId: s.externalId, type: 'identify', traits: s.traits });
    for (const h of s.happenings) {
      if (h.at <= from) continue;
      if (h.kind === 'identify') out.push({ at: h.at, externalId: s.externalId, type: 'identify', traits: h.traits });
      else out.push({ at: h.at, externalId: s.externalId, type: 'track', event: h.event, properties: h.properties });
    }
    if (s.loans.length === 0) continue;
    // the first refresh after `from`, and what the one before it said
    let day = ledgerDay(from);
    if (refreshAt(day) <= from) day++;
    let prev = loanStateAt(s.loans, refreshAt(day - 1));
    for (; refreshAt(day) <= until; day++) {
      const at = refreshAt(day);
      const state = loanStateAt(s.loans, at);
      if (state && (state.loan_status !== 'repaid' || !sameLoanState(prev, state))) out.push({ at, externalId: s.externalId, type: 'refresh', state, since: cycleStartAt(s.loans, at) });
      prev = state;
    }
  }
  // stable: a contact's sign-up comes before what it does at the same instant
  return out.sort((a, b) => a.at - b.at);
}

export interface Feeder {
  /** Ingest every item due by `t`, each group of same-time items at its own time (`moveTo` sets the clock there). Returns how many calls went in. */
  feedUntil: (t: number, moveTo?: (at: number) => void) => number;
  /** how many items are due by `t` and not fed yet */
  countUntil: (t: number) => number;
  /** every item due by this time has been fed: where a new feed takes over */
  fedThrough: () => number;
}

/** Feeds the population's future through the real ingestion path (the same service POST /v1/batch calls). */
export function createFeeder(db: Db, ingest: IngestService, items: readonly FeedItem[], opts: { from: number; onError?: (e: unknown, calls: readonly Call[]) => void }): Feeder {
  const c = db.$client;
  const repliedTo = c.prepare<[string, string, number, number], { one: number }>(
    `select 1 one from events where contact_id = (select id from contacts where external_id = ?) and name = ? and at >= ? and at <= ?
       and json_extract(properties, '$.message_key') is not null limit 1`,
  );
  let next = 0;
  let through = opts.from;

  const toCall = (item: FeedItem): Call | null => {
    const base = { userId: item.externalId, timestamp: new Date(item.at).toISOString(), messageId: `demo:${item.externalId}:${item.at}:${item.type === 'track' ? item.event : item.type}` };
    switch (item.type) {
      case 'identify':
        return { ...base, type: 'identify', traits: item.traits };
      case 'track': {
        const window = replacedByReplies[item.event];
        if (window !== undefined && repliedTo.get(item.externalId, item.event, item.at - window, item.at)) return null;
        return { ...base, type: 'track', event: item.event, properties: item.properties };
      }
      case 'refresh': {
        // an instalment repaid in answer to a reminder is settled, whatever the story said
        const repaid = item.state.amount_due > 0 && item.since !== null && repliedTo.get(item.externalId, 'loan_repaid', item.since, item.at);
        return { ...base, type: 'identify', traits: repaid ? { ...item.state, amount_due: 0, days_to_due: null, due_date: null, loan_status: 'repaid' } : { ...item.state } };
      }
    }
  };

  /**
   * One transaction around all the calls of a feed: each ingest call's own
   * transaction nests in it as a savepoint, so calls still land at their own
   * times, but the database commits once per feed (a commit per call was most
   * of the replay's time).
   */
  const feedAll = c.transaction((t: number, moveTo?: (at: number) => void): number => {
    let n = 0;
    while (next < items.length && items[next]!.at <= t) {
      const at = items[next]!.at;
      const calls: Call[] = [];
      for (; next < items.length && items[next]!.at === at; next++) {
        const call = toCall(items[next]!);
        if (call) calls.push(call);
      }
      moveTo?.(at);
      if (calls.length === 0) continue;
      try {
        n += ingest.ingest(calls).accepted;
      } catch (e) {
        // a call the service refuses is rolled back alone (its savepoint); the feed goes on
        opts.onError?.(e, calls);
      }
    }
    return n;
  });

  return {
    feedUntil(t, moveTo) {
      const n = next < items.length && items[next]!.at <= t ? feedAll(t, moveTo) : 0;
      through = Math.max(through, t);
      return n;
    },
    countUntil(t) {
      let lo = next;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (items[mid]!.at <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo - next;
    },
    fedThrough: () => through,
  };
}
