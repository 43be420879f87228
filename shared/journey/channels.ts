import { z } from 'zod';

/** Message channels. Each maps to a provider on the server (sandbox by default). */
export const channels = ['sms', 'push', 'voice', 'email', 'webhook'] as const;
export const Channel = z.enum(channels);
export type Channel = z.infer<typeof Channel>;

/** Marketing messages obey quiet hours and caps; transactional ones (repayment reminders) still obey opt-outs. */
export const MessageCategory = z.enum(['marketing', 'transactional']);
export type MessageCategory = z.infer<typeof MessageCategory>;

export const channelLabels: Record<Channel, string> = {
  sms: 'SMS',
  push: 'Push',
  voice: 'Robo-call',
  email: 'Email',
  webhook: 'Webhook',
};
