import { z } from 'zod';
import { channels, type Channel } from '../journey/channels';

/**
 * What one billed unit costs per channel, in yuan: an SMS part, a robo-call,
 * an email; push and webhooks cost nothing per message. Typical Chinese
 * gateway prices; the overlay's cost per conversion multiplies the units the
 * dispatcher counted (`cost_units`) by these.
 */
export const unitPrice: Record<Channel, number> = {
  sms: 0.045,
  push: 0,
  voice: 0.12,
  email: 0.002,
  webhook: 0,
  /** an agent's few minutes on the phone */
  agent_call: 3,
};

/** What an admin may set per channel: yuan per billed unit, 0 to 100. */
export const UnitPrices = z.object(
  Object.fromEntries(channels.map((ch) => [ch, z.number().min(0, 'a price is 0 or more').max(100, 'at most ¥100 a unit').optional()])) as Record<Channel, z.ZodOptional<z.ZodNumber>>,
);
export type UnitPrices = Record<Channel, number>;

/** The workspace's prices: what an admin set, the defaults above for the rest. */
export const pricesWith = (set: Partial<Record<Channel, number>>): UnitPrices => Object.fromEntries(channels.map((ch) => [ch, set[ch] ?? unitPrice[ch]])) as UnitPrices;

/** Cost of `units` on `channel`, rounded to the fen, at `prices` (default: the defaults above). */
export const costOf = (channel: Channel, units: number, prices: UnitPrices = unitPrice): number => Math.round(units * prices[channel] * 100) / 100;

/** Cost per conversion, or null without a conversion. */
export const costPer = (cost: number, conversions: number): number | null => (conversions > 0 ? Math.round((cost / conversions) * 100) / 100 : null);
