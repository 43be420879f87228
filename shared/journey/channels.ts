import { z } from 'zod';

/**
 * Message channels. Each maps to a provider on the server (sandbox by default).
 * `agent_call` is a human call: its "message" is a call task for the agent
 * queue (server/agentTasks/), sent once the task is queued.
 */
export const channels = ['sms', 'push', 'voice', 'email', 'webhook', 'agent_call'] as const;
export const Channel = z.enum(channels);
export type Channel = z.infer<typeof Channel>;

/** Every message obeys opt-outs and quiet hours; only marketing messages count against (and are held by) the caps. */
export const MessageCategory = z.enum(['marketing', 'transactional']);
export type MessageCategory = z.infer<typeof MessageCategory>;

export const channelLabels: Record<Channel, string> = {
  sms: 'SMS',
  push: 'Push',
  voice: 'Robo-call',
  email: 'Email',
  webhook: 'Webhook',
  agent_call: 'Agent call',
};
