import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { channels } from '../../shared/journey/channels';
import { seededRng } from '../../shared/util/hash';
import { MINUTE, utcDay } from '../../shared/util/time';
import { assignVariant } from '../../shared/templates/variant';
import type { ChannelProvider, DeliveryResult, OutboundMessage, SimulatedResponse } from '../channels/provider';
import { renderVariant, type CompiledVersion } from '../templates/render';
import type { TemplateStore } from '../templates/store';
import { linkCode, shortUrl } from '../templates/links';
import { historyEntry } from './writeBatch';
import { frozenMessage } from './lifecycle';
import { addToMetric, addToMetrics } from './counters';
import { smsStats } from '../../shared/templates/sms';

interface QueuedRow {
  id: number;
  key: string;
  contact_id: number;
  journey_id: string;
  version: number;
  node_id: string;
  channel: Channel;
  template: string;
  /** set once the message was first rendered: a retry renders the same version and variant */
  template_version: number | null;
  variant: string | null;
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
  /** messages claimed per channel per batch: bounds memory and the time between commits */
  batchSize: number;
  /** batches per channel per dispatch call; what is left waits for the next tick */
  maxBatches: number;
  maxAttempts: number;
  /** first retry delay; doubles each attempt */
  backoffMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  rates: { sms: 1000, push: 2000, voice: 100, email: 1000, webhook: 200 },
  batchSize: 500,
  maxBatches: 20,
  maxAttempts: 5,
  backoffMs: MINUTE,
};

export interface DispatchReport {
  sent: number;
  failed: number;
  retried: number;
  dead: number;
  /** queued messages left because a channel's rate was used up: they need the clock to move */
  throttled: boolean;
  /** queued messages left because this call's batch budget ran out: the next tick takes them */
  backlog: boolean;
}

export interface DispatcherDeps {
  db: Db;
  /** the database's templates: a message renders its template's current version (compiled once, cached) */
  templates: TemplateStore;
  providers: Record<Channel, ChannelProvider>;
  settings: () => { timezone: string; rngSeed: number };
  /** the origin tracked links point at, e.g. https://go.example.com */
  publicUrl: () => string;
  /** keys the HMAC in link codes */
  linkSecret: () => string;
  /** simulated replies (sandbox) become events at `at`; the message they answer rides along */
  onResponse: (contactId: number, messageId: number, r: SimulatedResponse, at: number) => void;
  options?: Partial<DispatcherOptions>;
}

/**
 * Drains the outbox to channel providers: per-channel rate limits (a token
 * bucket refilled by the injected clock), retries with exponential backoff,
 * status history on every change. Each message is rendered once, with a
 * sticky variant, when it is first sent.
 */
export function createDispatcher({ db, templates, providers, settings, publicUrl, linkSecret, onResponse, options }: DispatcherDeps) {
  const o = { ...defaultDispatcherOptions, ...options, rates: { ...defaultDispatcherOptions.rates, ...options?.rates } };
  const c = db.$client;
  const tokens = new Map<Channel, { n: number; at: number }>();
  const claim = c.prepare<[string, number, number], QueuedRow>(
    `select m.id, m.run_id || ':' || m.node_id || ':' || m.visit key, m.contact_id, m.journey_id, m.version, m.node_id, m.channel, m.template, m.template_version, m.variant, m.attempts,
            k.external_id, k.phone, k.email, k.traits, k.timezone
     from messages m join contacts k on k.id = m.contact_id
     where m.status = 'queued' and m.channel = ? and m.next_attempt_at <= ?
     order by m.next_attempt_at, m.id limit ?`,
  );
  const anyDue = c.prepare<[string, number], { one: number }>(`select 1 one from messages where status = 'queued' and channel = ? and next_attempt_at <= ? limit 1`);
  // status history lives in the row: each change appends to it
  const lease = c.prepare(`update messages set status = 'sending', history = json_insert(history, '$[#]', json(?)), updated_at = ? where id = ? and status = 'queued'`);
  // reason: null keeps the one the message has
  const settle = (n: number) =>
    c.prepare(
      `update messages set status = ?, reason = coalesce(?, reason), attempts = ?, next_attempt_at = ?, variant = coalesce(?, variant), template_version = coalesce(?, template_version), body = coalesce(?, body), response = ?,
         history = json_insert(history${", '$[#]', json(?)".repeat(n)}), updated_at = ? where id = ?`,
    );
  const insertLink = c.prepare('insert into links (code, message_id, url, created_at) values (?, ?, ?, ?) on conflict (code) do nothing');
  const settle1 = settle(1);
  const settle2 = settle(2);
  const bumpMetric = c.prepare(addToMetric);
  // An unfinished message goes back to the queue, unless its journey was paused or archived while
  // the message was out with a provider: pause and archive change only the rows they can see, and
  // a message being sent is not one of them. Then it is held or suppressed (frozenMessage).
  const journeyStatus = c.prepare<[string], { status: string }>('select status from journeys where id = ?');
  const frozenAs = (journeyId: string) => frozenMessage[journeyStatus.get(journeyId)?.status ?? ''];
  // after a crash, the same for every message that was 'sending', in two statements
  const frozen = (pick: (f: { status: string; reason: string }) => string, otherwise: string) =>
    `case j.status ${Object.entries(frozenMessage).map(([js, f]) => `when '${js}' then '${pick(f)}'`).join(' ')} else ${otherwise} end`;
  const countRecoveredSuppressed = c.prepare(
    addToMetrics(
      `select m.journey_id, m.version, m.node_id, 'suppressed', ${frozen((f) => f.reason, 'null')}, ?, count(*)
       from messages m join journeys j on j.id = m.journey_id where m.status = 'sending' and ${frozen((f) => f.status, "''")} = 'suppressed'
       group by m.journey_id, m.version, m.node_id, j.status`,
    ),
  );
  const requeueRecovered = c.prepare(
    `update messages set status = ${frozen((f) => f.status, "'queued'")}, reason = coalesce(${frozen((f) => f.reason, 'null')}, messages.reason),
       next_attempt_at = case when ${frozen((f) => f.status, "''")} = 'suppressed' then null else ? end,
       history = json_insert(messages.history, '$[#]', json_object('status', ${frozen((f) => f.status, "'queued'")}, 'at', ?, 'detail', json_object('reason', ${frozen((f) => f.reason, "'in_doubt_after_restart'")}))),
       updated_at = ?
     from journeys j where j.id = messages.journey_id and messages.status = 'sending'`,
  );

  function take(channel: Channel, now: number): number {
    const rate = o.rates[channel];
    const t = tokens.get(channel) ?? { n: rate, at: now };
    const n = Math.min(rate, t.n + ((now - t.at) / 1000) * rate);
    tokens.set(channel, { n, at: now });
    return Math.floor(n);
  }

  type Sent = {
    row: QueuedRow;
    msg: OutboundMessage | null;
    variant: string | null;
    templateVersion: number | null;
    links: { code: string; url: string }[];
    result: DeliveryResult & { responses?: SimulatedResponse[] };
  };

  /** The version a message renders: the one it was first rendered with (a retry), else the template's current one. */
  const versionFor = (row: QueuedRow): CompiledVersion | undefined => {
    if (row.template_version === null) return templates.compiledCurrent(row.template);
    const v = templates.version(row.template, row.template_version);
    return v ? templates.compiledVersion(v.id) : undefined;
  };

  /** Render and hand one message to its provider; never throws (a failure is a result). */
  async function sendOne(row: QueuedRow, channel: Channel, now: number, s: { timezone: string }, rng: ReturnType<typeof seededRng>): Promise<Sent> {
    let msg: OutboundMessage | null = null;
    let variant: string | null = row.variant;
    let templateVersion: number | null = row.template_version;
    const links: { code: string; url: string }[] = [];
    try {
      const t = versionFor(row);
      if (!t) throw new Error(`template "${row.template}"${row.template_version === null ? '' : ` v${row.template_version}`} does not exist`);
      templateVersion = t.version;
      // sticky: deterministic from (contact, node, template version) and the weights, recorded on the message
      variant = row.variant ?? assignVariant(t.variants, rng, row.contact_id, row.node_id, t.id).key;
      const base = publicUrl();
      const parts = renderVariant(t, variant, {
        // templates address the contact by user_id (the SDK's userId) unless a trait says otherwise
        traits: { user_id: row.external_id, ...(JSON.parse(row.traits) as Record<string, unknown>) },
        timezone: row.timezone ?? s.timezone,
        utm: { source: channel, campaign: row.journey_id, content: variant, term: row.node_id },
        link: (target) => {
          const code = linkCode(linkSecret(), row.id, links.length);
          links.push({ code, url: target });
          return shortUrl(base, code);
        },
      });
      msg = {
        id: row.id,
        key: row.key,
        channel,
        to: { contactId: row.contact_id, externalId: row.external_id, phone: row.phone, email: row.email },
        template: row.template,
        variant,
        parts,
        links: links.map((l) => ({ code: l.code, url: shortUrl(base, l.code) })),
        journeyId: row.journey_id,
        nodeId: row.node_id,
      };
      return { row, msg, variant, templateVersion, links, result: await providers[channel].send(msg, now) };
    } catch (e) {
      return { row, msg, variant, templateVersion, links, result: { status: 'failed', retry: false, error: e instanceof Error ? e.message : String(e) } };
    }
  }

  /** Write a batch's outcomes in one transaction: status, history, retries, metrics, and the simulated replies. */
  const settleBatch = c.transaction((done: readonly Sent[], now: number, report: DispatchReport) => {
    const day = utcDay(now);
    const tally = new Map<string, { row: QueuedRow; metric: string; label: string; n: number }>();
    const count = (row: QueuedRow, metric: string, label = '', n = 1) => {
      const k = `${row.journey_id}\u0000${row.version}\u0000${row.node_id}\u0000${metric}\u0000${label}`;
      const t = tally.get(k);
      if (t) t.n += n;
      else tally.set(k, { row, metric, label, n });
    };
    for (const { row, msg, variant, templateVersion, links, result } of done) {
      for (const l of links) insertLink.run(l.code, row.id, l.url, now);
      const attempts = row.attempts + 1;
      const body = msg ? Object.values(msg.parts).join('\n') : null;
      const response = JSON.stringify(result.response ?? null);
      if (result.status !== 'failed') {
        if (result.status === 'delivered') settle2.run('delivered', null, attempts, null, variant, templateVersion, body, response, historyEntry('sent', now), historyEntry('delivered', now), now, row.id);
        else settle1.run('sent', null, attempts, null, variant, templateVersion, body, response, historyEntry('sent', now), now, row.id);
        count(row, 'sent');
        if (variant !== null) count(row, 'sent_variant', variant);
        // what it cost in billed units: SMS parts, one of anything else (the price per unit is applied when read)
        count(row, 'cost_units', '', row.channel === 'sms' ? smsStats(msg?.parts.body ?? '').parts : 1);
        if (result.status === 'delivered') count(row, 'delivered');
        for (const r of result.responses ?? []) onResponse(row.contact_id, row.id, r, now + r.delay);
        report.sent++;
      } else if (result.retry && attempts < o.maxAttempts) {
        const next = now + o.backoffMs * 2 ** (attempts - 1);
        const failed = historyEntry('failed', now, { error: result.error, retryAt: next });
        const frozen = frozenAs(row.journey_id);
        if (!frozen) {
          settle2.run('queued', null, attempts, next, variant, templateVersion, body, response, failed, historyEntry('queued', now), now, row.id);
          report.retried++;
        } else {
          // held keeps its retry time for the resume; suppressed is final
          const at = frozen.status === 'held' ? next : null;
          settle2.run(frozen.status, frozen.reason, attempts, at, variant, templateVersion, body, response, failed, historyEntry(frozen.status, now, { reason: frozen.reason }), now, row.id);
          if (frozen.status === 'suppressed') count(row, 'suppressed', frozen.reason);
          else report.retried++;
        }
      } else {
        const status = result.retry ? 'dead' : 'failed';
        settle1.run(status, null, attempts, null, variant, templateVersion, body, response, historyEntry(status, now, { error: result.error }), now, row.id);
        count(row, status);
        if (status === 'dead') report.dead++;
        else report.failed++;
      }
    }
    for (const t of tally.values()) bumpMetric.run(t.row.journey_id, t.row.version, t.row.node_id, t.metric, t.label, day, t.n);
  });

  return {
    /** On start: messages a crashed process had handed to providers go again (same key), unless their journey was paused or archived meanwhile. */
    recover(now: number): number {
      return c.transaction(() => {
        countRecoveredSuppressed.run(utcDay(now));
        return requeueRecovered.run(now, now, now).changes;
      })();
    },

    /**
     * Drain what is due, per channel, within its rate and at most
     * `maxBatches` × `batchSize` messages, one transaction per batch.
     */
    async dispatch(now: number): Promise<DispatchReport> {
      const report: DispatchReport = { sent: 0, failed: 0, retried: 0, dead: 0, throttled: false, backlog: false };
      const s = settings();
      const rng = seededRng(s.rngSeed);
      for (const channel of channels) {
        let budget = take(channel, now);
        for (let batch = 0; ; batch++) {
          if (budget <= 0 || batch >= o.maxBatches) {
            if (anyDue.get(channel, now)) {
              if (budget <= 0) report.throttled = true;
              else report.backlog = true;
            }
            break;
          }
          const rows = claim.all(channel, now, Math.min(budget, o.batchSize));
          if (rows.length === 0) break;
          budget -= rows.length;
          tokens.set(channel, { n: (tokens.get(channel)?.n ?? 0) - rows.length, at: now });
          // Mark them handed over before any leaves: after a crash, `recover` queues 'sending' rows
          // again under the same idempotency key (providers dedupe on it), so nothing handed over is
          // forgotten. The sends start inside the same transaction: whatever a provider records
          // synchronously as it accepts a message (the sandbox's delivery log) commits with the lease.
          const work = c.transaction(() => {
            for (const row of rows) lease.run(historyEntry('sending', now), now, row.id);
            return rows.map((row) => sendOne(row, channel, now, s, rng));
          })();
          settleBatch(await Promise.all(work), now, report);
        }
      }
      return report;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
