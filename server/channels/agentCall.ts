import type { ChannelProvider } from './provider';

/**
 * The agent_call channel's default provider: the "message" is a call task in
 * the team's queue (server/agentTasks/), and it is sent once the task is
 * queued. Queueing is keyed by the message, so a re-send after a crash finds
 * the same task: one call per (run, node, visit), as for any message. A test
 * send queues nothing (no agent should phone a test contact by surprise).
 */
export function createAgentCallProvider(queue: (messageId: number, script: string | null, now: number) => number): ChannelProvider {
  return {
    name: 'agent-queue',
    send: (msg, now) => {
      if (msg.test) return Promise.resolve({ status: 'sent', response: { task: null, test: true } });
      try {
        const task = queue(msg.id, msg.parts.script ?? null, now);
        return Promise.resolve({ status: 'sent', response: { task } });
      } catch (e) {
        return Promise.resolve({ status: 'failed', retry: true, error: `could not queue the call task: ${e instanceof Error ? e.message : String(e)}` });
      }
    },
  };
}
