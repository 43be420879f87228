import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/client';
import { channels, type Channel } from '../../shared/journey/channels';
import { seededRng } from '../../shared/util/hash';
import { isTimeZone, localTime, MINUTE } from '../../shared/util/time';
import { clickEvent } from '../channels/sandbox';
import type { ChannelProvider, SimulatedResponse } from '../channels/provider';
import { answerMessage, defaultModel, type BehaviourModel } from './behaviour';

export interface BehaviourProviderOptions {
  seed: number;
  /**
   * The server's database, once it is open. Sends must record on the engine's
   * own connection: the dispatcher starts them inside its lease transaction.
   */
  db: () => Db | null;
  model?: BehaviourModel;
  /** channels to serve (default all); leave out those CHANNEL_PROVIDERS configures */
  channels?: readonly Channel[];
}

interface Statements {
  profile: Statement<[number], { traits: string; registered_at: number | null; timezone: string | null }>;
  record: Statement;
}

const WEEK_MINUTES = 7 * 24 * 60;

/** UTC offset (hours) of `zone` at `t`: its wall clock (shared `localTime`, cached and DST-correct) minus UTC's. */
function utcOffsetHours(zone: string, t: number): number {
  if (!isTimeZone(zone)) return 8; // an unknown zone reads as Beijing time, the workspace default
  const local = localTime(t, zone);
  // minutes into the week from Monday 00:00 (1970-01-01, minute 0, was a Thursday), so the date line counts
  const utc = (Math.floor(t / MINUTE) + 3 * 24 * 60) % WEEK_MINUTES;
  const ahead = (local.weekday * 24 * 60 + local.minutes - utc + WEEK_MINUTES) % WEEK_MINUTES;
  return (ahead > WEEK_MINUTES / 2 ? ahead - WEEK_MINUTES : ahead) / 60;
}

/**
 * The demo's channel providers: the behaviour model answers every message
 * (clicks, logins, applications, loans, repayments, with delays), and each
 * delivery is logged in `sandbox_deliveries` as the sandbox does, so the
 * outbox and the "outside world" views stay the same. A click carries the
 * link code of the message's first tracked link, so the engine records it
 * through the same path as a tap on /l/:code.
 */
export function createBehaviourProviders(o: BehaviourProviderOptions): Partial<Record<Channel, ChannelProvider>> {
  const model = o.model ?? defaultModel;
  const rng = seededRng(o.seed);
  let bound: { db: Db; s: Statements } | null = null;
  const statements = (): Statements | null => {
    const db = o.db();
    if (!db) return null;
    if (bound?.db !== db) {
      const c = db.$client;
      bound = {
        db,
        s: {
          profile: c.prepare('select traits, registered_at, timezone from contacts where id = ?'),
          // like a real gateway, a message key is accepted once: a resend after a crash is a no-op
          record: c.prepare(
            `insert into sandbox_deliveries (message_id, channel, "to", body, outcome, at) select ?, ?, ?, ?, ?, ?
             where ? = 'failed' or not exists (select 1 from sandbox_deliveries where message_id = ? and outcome != 'failed')`,
          ),
        },
      };
    }
    return bound.s;
  };

  const provider = (channel: Channel): ChannelProvider => ({
    name: `demo:${channel}`,
    async send(msg, now) {
      const s = statements();
      if (!s) return { status: 'failed', retry: true, error: 'demo: the population is not attached yet' };
      const row = s.profile.get(msg.to.contactId);
      const traits = row ? (JSON.parse(row.traits) as Record<string, unknown>) : {};
      const answer = answerMessage(
        model,
        { key: msg.key, channel, template: msg.template, variant: msg.variant, hasLink: msg.links.length > 0 },
        { externalId: msg.to.externalId, registeredAt: row?.registered_at ?? null, utcOffsetHours: utcOffsetHours(row?.timezone ?? 'Asia/Shanghai', now), traits },
        now,
        rng,
      );
      const record = (outcome: string) =>
        s.record.run(msg.id, msg.channel, msg.to.phone ?? msg.to.email ?? msg.to.externalId, Object.values(msg.parts).join('\n'), outcome, now, outcome, msg.id).changes > 0;
      if (answer.outcome === 'failed') {
        record('failed');
        return { status: 'failed', retry: true, error: 'demo: simulated gateway timeout' };
      }
      const delivered = answer.outcome === 'delivered';
      const first = record(delivered ? 'delivered' : 'undelivered');
      const response = { demo: true, stage: answer.stage };
      if (!first) return { status: delivered ? 'delivered' : 'sent', response: { ...response, duplicateKey: true }, responses: [] };
      const responses: SimulatedResponse[] = answer.replies.map((r) => ({
        event: r.event,
        properties: { ...r.properties, message_key: msg.key, channel, ...(r.event === clickEvent ? { link_code: msg.links[0]?.code } : {}) },
        delay: r.delay,
      }));
      return { status: delivered ? 'delivered' : 'sent', response, responses };
    },
  });

  return Object.fromEntries((o.channels ?? channels).map((ch) => [ch, provider(ch)]));
}
