import type { Channel } from '../journey/channels';

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
};

/** Cost of `units` on `channel`, rounded to the fen. */
export const costOf = (channel: Channel, units: number): number => Math.round(units * unitPrice[channel] * 100) / 100;

/** Cost per conversion, or null without a conversion. */
export const costPer = (cost: number, conversions: number): number | null => (conversions > 0 ? Math.round((cost / conversions) * 100) / 100 : null);
