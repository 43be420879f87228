import type { Db } from '../db/client';
import { ledgerDay, loanStateAt, refreshAt } from './loans';
import type { ContactStory } from './population';

export interface HistoryReport {
  contacts: number;
  events: number;
  /** events written, by name */
  byEvent: Record<string, number>;
  ms: number;
}

/**
 * A contact as it stood at `cutoff`: its sign-up traits with every later
 * identify merged in (null deletes, as JSON merge-patch does), the loan
 * system's last daily refresh, and its SMS opt-out.
 */
export function contactAt(s: ContactStory, cutoff: number): { traits: Record<string, unknown>; optOuts: string[] } {
  const traits: Record<string, unknown> = { ...s.traits };
  const optOuts = new Set<string>();
  for (const h of s.happenings) {
    if (h.at > cutoff) break;
    if (h.kind === 'identify') Object.assign(traits, h.traits);
    else if (h.event === 'unsubscribed' && typeof h.properties.channel === 'string') optOuts.add(h.properties.channel);
  }
  let day = ledgerDay(cutoff);
  if (refreshAt(day) > cutoff) day--;
  const loan = loanStateAt(s.loans, refreshAt(day));
  if (loan) Object.assign(traits, loan);
  for (const [k, v] of Object.entries(traits)) if (v === null) delete traits[k];
  return { traits, optOuts: [...optOuts] };
}

/**
 * Write the population's past up to `cutoff` (inclusive): every contact who
 * had registered by then, as it stood then, and every event it had made,
 * with prepared statements in one transaction per `chunk` contacts. Yields
 * to the event loop between chunks, so a server seeding its own database
 * keeps answering requests. Contacts registering later and events after
 * `cutoff` are left for the feed (feed.ts).
 */
export async function writeHistory(db: Db, stories: Iterable<ContactStory>, cutoff: number, opts: { chunk?: number; onProgress?: (done: number) => void } = {}): Promise<HistoryReport> {
  const started = performance.now();
  const c = db.$client;
  const insertContact = c.prepare<unknown[], { id: number }>(
    `insert into contacts (external_id, traits, phone, email, timezone, opt_outs, registered_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const insertEvent = c.prepare(`insert into events (contact_id, name, type, properties, context, at, message_id, received_at) values (?, ?, 'track', ?, null, ?, null, ?)`);
  const report: HistoryReport = { contacts: 0, events: 0, byEvent: {}, ms: 0 };
  const writeChunk = c.transaction((chunk: readonly ContactStory[]) => {
    for (const s of chunk) {
      const { traits, optOuts } = contactAt(s, cutoff);
      const { id } = insertContact.get(s.externalId, JSON.stringify(traits), s.phone, s.email, s.timezone, JSON.stringify(optOuts), s.registeredAt, s.registeredAt, cutoff) as { id: number };
      report.contacts++;
      for (const h of s.happenings) {
        if (h.at > cutoff) break;
        if (h.kind !== 'track') continue;
        insertEvent.run(id, h.event, JSON.stringify(h.properties), h.at, h.at);
        report.events++;
        report.byEvent[h.event] = (report.byEvent[h.event] ?? 0) + 1;
      }
    }
  });
  const size = opts.chunk ?? 1000;
  let chunk: ContactStory[] = [];
  const flush = async () => {
    writeChunk(chunk);
    chunk = [];
    opts.onProgress?.(report.contacts);
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const s of stories) {
    if (s.registeredAt > cutoff) continue;
    chunk.push(s);
    if (chunk.length >= size) await flush();
  }
  if (chunk.length) await flush();
  report.ms = performance.now() - started;
  return report;
}
