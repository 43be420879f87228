import { z } from 'zod';
import type { Channel } from '../../shared/journey/channels';
import { seededRng } from '../../shared/util/hash';
import { HOUR, MINUTE } from '../../shared/util/time';
import type { ChannelProvider, DeliveryResult, OutboundMessage, SimulatedResponse } from './provider';

/** Probabilities of what happens to a sandboxed message, per channel. */
export const SandboxBehaviour = z.object({
  /** the send itself fails (retryable) */
  failure: z.number().min(0).max(1).default(0),
  /** delivered, given it was sent */
  delivered: z.number().min(0).max(1).default(0.97),
  /** replies given delivery: event name → probability, with a delay window */
  responses: z
    .array(
      z.object({
        event: z.string().min(1),
        probability: z.number().min(0).max(1),
        /** per-variant probabilities (variant key → probability), so a simulated A/B test has a true winner */
        variants: z.record(z.string(), z.number().min(0).max(1)).default({}),
        properties: z.record(z.string(), z.unknown()).default({}),
        maxDelayMinutes: z.number().int().min(0).default(120),
      }),
    )
    .default([]),
});
export type SandboxBehaviour = z.infer<typeof SandboxBehaviour>;

export const defaultSandbox: Record<Channel, SandboxBehaviour> = {
  sms: SandboxBehaviour.parse({
    responses: [
      { event: 'message_clicked', probability: 0.08 },
      { event: 'app_login', probability: 0.05 },
    ],
  }),
  push: SandboxBehaviour.parse({
    delivered: 0.9,
    responses: [
      { event: 'message_clicked', probability: 0.06 },
      { event: 'app_login', probability: 0.06, maxDelayMinutes: 30 },
    ],
  }),
  voice: SandboxBehaviour.parse({
    delivered: 0.6,
    responses: [
      { event: 'voice_pressed_1', probability: 0.12, maxDelayMinutes: 2 },
      { event: 'app_login', probability: 0.1 },
    ],
  }),
  email: SandboxBehaviour.parse({ responses: [{ event: 'message_clicked', probability: 0.03, maxDelayMinutes: 24 * 60 }] }),
  webhook: SandboxBehaviour.parse({ delivered: 1 }),
  // only when configured on purpose: by default an agent call is a task for the agent queue (server/agentTasks/)
  agent_call: SandboxBehaviour.parse({ delivered: 1 }),
};

/**
 * The default provider of every channel: records each delivery and simulates
 * delivery status and replies with configurable probabilities, so demos and
 * simulations behave like real traffic. Deterministic per (seed, message key).
 */
export function createSandboxProvider(
  channel: Channel,
  opts: { seed: number; behaviour?: SandboxBehaviour; record: (msg: OutboundMessage, outcome: string, now: number) => boolean },
): ChannelProvider {
  const rng = seededRng(opts.seed);
  const b = opts.behaviour ?? defaultSandbox[channel];
  return {
    name: `sandbox:${channel}`,
    // in process, no network: a claim the size of a dispatcher batch; a resend after a crash is acknowledged, not delivered again
    maxInFlight: 500,
    async send(msg, now) {
      const draw = (what: string) => rng(`${msg.key}:${what}`);
      if (draw('fail') < b.failure) {
        opts.record(msg, 'failed', now);
        return { status: 'failed', retry: true, error: 'sandbox: simulated gateway error' };
      }
      const delivered = draw('deliver') < b.delivered;
      const first = opts.record(msg, delivered ? 'delivered' : 'undelivered', now);
      const result: DeliveryResult = delivered ? { status: 'delivered', response: { sandbox: true } } : { status: 'sent', response: { sandbox: true } };
      // a resend under a key already accepted (after a crash) is acknowledged, not delivered or answered again
      if (!first) return { ...result, response: { sandbox: true, duplicateKey: true }, responses: [] };
      // a click needs a link to click: it lands on the message's first tracked link, like a real reader's tap
      const responses: SimulatedResponse[] = delivered
        ? b.responses
            .filter((r) => (r.event !== clickEvent || msg.links.length > 0) && draw(`reply:${r.event}`) < (msg.variant !== null ? (r.variants[msg.variant] ?? r.probability) : r.probability))
            .map((r) => ({
              event: r.event,
              properties: { ...r.properties, message_key: msg.key, channel, ...(r.event === clickEvent ? { link_code: msg.links[0]?.code } : {}) },
              delay: Math.floor(draw(`delay:${r.event}`) * r.maxDelayMinutes * MINUTE),
            }))
        : [];
      return { ...result, responses };
    },
  };
}

export const SANDBOX_MAX_DELAY = 24 * HOUR;

/** The reply that is a tap on a tracked link: recorded as a click (first click per message counts), then as an event. */
export const clickEvent = 'message_clicked';
