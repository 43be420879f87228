import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { channels } from '../../shared/journey/channels';
import { seededRng } from '../../shared/util/hash';
import { MINUTE } from '../../shared/util/time';
import { assignVariant } from '../../shared/templates/variant';
import type { ChannelProvider, DeliveryResult, OutboundMessage, SimulatedResponse } from '../channels/provider';
import type { Renderer } from '../templates/render';

interface QueuedRow {
  id: number;
  key: string;
  contact_id: number;
  journey_id: string;
  version: number;
  node_id: string;
  channel: Channel;
  template: string;
  attempts: number;
  external_id: string | null;
  phone: string | null;
  email: string | null;
  traits: string;
  timezone: string | null;
}

export interface DispatcherOptions {
  /** messages per second per channel */
  rates: Record<Channel, number>;
  maxAttempts: number;
  /** first retry delay; doubles each attempt */
  backoffMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  rates: { sms: 1000, push: 2000, voice: 100, email: 1000, webhook: 200 },
  maxAttempts: 5,
  backoffMs: MINUTE,
};

export interface DispatchReport {
  sent: number;
  failed: number;
  retried: number;
  dead: number;
  /** queued messages left because a channel's rate was used up */
  throttled: boolean;
}

export interface DispatcherDeps {
  db: Db;
  renderer: Renderer;
  providers: Record<Channel, ChannelProvider>;
  settings: () => { timezone: string; rngSeed: number };
  /** simulated replies (sandbox) become events at `at` */
  onResponse: (contactId: number, r: SimulatedResponse, at: number) => void;
  options?: Partial<DispatcherOptions>;
}

/**
 * Drains the outbox to channel providers: per-channel rate limits (a token
 * bucket refilled by the injected clock), retries with exponential backoff,
 * status history on every change. Each message is rendered once, with a
 * sticky variant, when it is first sent.
 */
export function createDispatcher({ db, renderer, providers, settings, onResponse, options }: DispatcherDeps) {
  const o = { ...defaultDispatcherOptions, ...options, rates: { ...defaultDispatcherOptions.rates, ...options?.rates } };
  const c = db.$client;
  const tokens = new Map<Channel, { n: number; at: number }>();
  const claim = c.prepare<[number, string, number], QueuedRow>(
    `select m.id, m.key, m.contact_id, m.journey_id, m.version, m.node_id, m.channel, m.template, m.attempts,
            k.external_id, k.phone, k.email, k.traits, k.timezone
     from messages m join contacts k on k.id = m.contact_id
     where m.status = 'queued' and m.next_attempt_at <= ? and m.channel = ?
     order by m.next_attempt_at, m.id limit ?`,
  );
  const lease = c.prepare(`update messages set status = 'sending', updated_at = ? where id = ? and status = 'queued'`);
  const update = c.prepare(
    'update messages set status = ?, attempts = ?, next_attempt_at = ?, variant = coalesce(?, variant), body = coalesce(?, body), response = ?, updated_at = ? where id = ?',
  );
  const history = c.prepare('insert into message_events (message_id, status, at, detail) values (?, ?, ?, ?)');
  const bumpMetric = c.prepare(
    `insert into metrics (journey_id, version, node_id, metric, label, day, count) values (?, ?, ?, ?, '', ?, 1)
     on conflict(journey_id, version, node_id, metric, label, day) do update set count = count + 1`,
  );

  function take(channel: Channel, now: number): number {
    const rate = o.rates[channel];
    const t = tokens.get(channel) ?? { n: rate, at: now };
    const n = Math.min(rate, t.n + ((now - t.at) / 1000) * rate);
    tokens.set(channel, { n, at: now });
    return Math.floor(n);
  }

  return {
    /** On start: messages a crashed process had handed to providers go again (same key). */
    recover(now: number): number {
      return c.transaction(() => {
        const rows = c.prepare<[], { id: number }>(`select id from messages where status = 'sending'`).all();
        const requeue = c.prepare(`update messages set status = 'queued', next_attempt_at = ?, updated_at = ? where id = ?`);
        for (const r of rows) {
          requeue.run(now, now, r.id);
          history.run(r.id, 'queued', now, JSON.stringify({ reason: 'in_doubt_after_restart' }));
        }
        return rows.length;
      })();
    },

    async dispatch(now: number): Promise<DispatchReport> {
      const report: DispatchReport = { sent: 0, failed: 0, retried: 0, dead: 0, throttled: false };
      const s = settings();
      const rng = seededRng(s.rngSeed);
      for (const channel of channels) {
        const budget = take(channel, now);
        if (budget <= 0) continue;
        const rows = claim.all(now, channel, budget);
        if (rows.length === budget && claim.all(now, channel, budget + 1).length > budget) report.throttled = true;
        tokens.set(channel, { n: (tokens.get(channel)?.n ?? 0) - rows.length, at: now });
        // mark them handed over before any leaves: after a crash, `recover` queues 'sending' rows again
        // under the same idempotency key (providers dedupe on it), so nothing handed over is forgotten
        c.transaction(() => {
          for (const row of rows) if (lease.run(now, row.id).changes) history.run(row.id, 'sending', now, null);
        })();
        const work = rows.map(async (row) => {
          const template = renderer.template(row.template);
          let msg: OutboundMessage | null = null;
          let result: DeliveryResult & { responses?: SimulatedResponse[] };
          let variant: string | null = null;
          try {
            if (!template) throw new Error(`template "${row.template}" does not exist`);
            variant = assignVariant(template.variants, rng, row.contact_id, row.node_id, template.key).key;
            const parts = renderer.render(row.template, variant, {
              // templates address the contact by user_id (the SDK's userId) unless a trait says otherwise
              traits: { user_id: row.external_id, ...(JSON.parse(row.traits) as Record<string, unknown>) },
              timezone: row.timezone ?? s.timezone,
              utm: { source: channel, campaign: row.journey_id, content: variant, term: row.node_id },
            });
            msg = { id: row.id, key: row.key, channel, to: { contactId: row.contact_id, externalId: row.external_id, phone: row.phone, email: row.email }, template: row.template, variant, parts, journeyId: row.journey_id, nodeId: row.node_id };
            result = await providers[channel].send(msg, now);
          } catch (e) {
            result = { status: 'failed', retry: false, error: e instanceof Error ? e.message : String(e) };
          }
          return { row, msg, variant, result };
        });
        const done = await Promise.all(work);
        c.transaction(() => {
          const day = new Date(now).toISOString().slice(0, 10);
          const count = (row: QueuedRow, metric: string) => bumpMetric.run(row.journey_id, row.version, row.node_id, metric, day);
          for (const { row, msg, variant, result } of done) {
            const attempts = row.attempts + 1;
            const body = msg ? Object.values(msg.parts).join('\n') : null;
            if (result.status !== 'failed') {
              update.run(result.status, attempts, null, variant, body, JSON.stringify(result.response ?? null), now, row.id);
              history.run(row.id, 'sent', now, null);
              count(row, 'sent');
              if (result.status === 'delivered') {
                history.run(row.id, 'delivered', now, null);
                count(row, 'delivered');
              }
              for (const r of result.responses ?? []) onResponse(row.contact_id, r, now + r.delay);
              report.sent++;
            } else if (result.retry && attempts < o.maxAttempts) {
              const next = now + o.backoffMs * 2 ** (attempts - 1);
              update.run('queued', attempts, next, variant, body, JSON.stringify(result.response ?? null), now, row.id);
              history.run(row.id, 'failed', now, JSON.stringify({ error: result.error, retryAt: next }));
              report.retried++;
            } else {
              const status = result.retry ? 'dead' : 'failed';
              update.run(status, attempts, null, variant, body, JSON.stringify(result.response ?? null), now, row.id);
              history.run(row.id, status, now, JSON.stringify({ error: result.error }));
              count(row, status);
              if (status === 'dead') report.dead++;
              else report.failed++;
            }
          }
        })();
      }
      return report;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
