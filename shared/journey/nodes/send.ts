import { z } from 'zod';
import { defineKind, type Outcome, type StepEnv } from '../kind';
import type { Effect } from '../effects';
import { Channel, MessageCategory, channelLabels } from '../channels';

/**
 * No category here: whether a message may escape the caps (transactional) is
 * a property of its template, which an admin marks. Drafts and versions saved
 * when the node still had a `category` field parse as before: the schema
 * strips the key, and nothing reads it.
 */
const SendConfig = z.object({
  channel: Channel.default('sms').meta({ ui: 'channel', title: 'Channel' }),
  /** template key under templates/messages/ */
  template: z.string().trim().default('').meta({ ui: 'template', title: 'Template' }),
  /** what a message held back by a cap or quiet hours does */
  whenCapped: z.enum(['wait', 'skip']).default('wait').meta({ title: 'When capped or in quiet hours' }),
});
type SendConfig = z.infer<typeof SendConfig>;

/** The record of a message the policy held back (module level: this runs for every message a batch sends). */
const withheld = (c: SendConfig, category: MessageCategory, { run, nodeId }: StepEnv, decision: 'deferred' | 'suppressed', reason: string, until: number | null): Effect => ({
  type: 'withheld',
  nodeId,
  visit: run.visit,
  channel: c.channel,
  template: c.template,
  category,
  decision,
  reason,
  until,
});

function trySend(c: SendConfig, env: StepEnv): Outcome {
  const { ctx, run, nodeId } = env;
  // the template's category, never the node's say: a node cannot relax what its template is
  const category = ctx.templateCategory?.(c.template) ?? 'marketing';
  const verdict = ctx.policy({ channel: c.channel, category, nodeId });
  switch (verdict.decision) {
    case 'allow':
      return {
        type: 'go',
        port: 'next',
        effects: [{ type: 'send', nodeId, visit: run.visit, channel: c.channel, template: c.template, category }],
      };
    case 'suppress':
      return { type: 'go', port: 'next', effects: [withheld(c, category, env, 'suppressed', verdict.reason, null)] };
    case 'defer':
      return c.whenCapped === 'wait'
        ? { type: 'wait', until: verdict.until, effects: [withheld(c, category, env, 'deferred', verdict.reason, verdict.until)] }
        : { type: 'go', port: 'next', effects: [withheld(c, category, env, 'suppressed', verdict.reason, null)] };
  }
}

/** Sends one message through the contact policy; a capped message waits or is skipped. */
export const send = defineKind({
  kind: 'send',
  role: 'instant',
  schema: SendConfig,
  palette: { group: 'Messages', label: 'Send message', icon: 'send', description: 'SMS, push, robo-call, email or webhook.' },
  summary: (c) => `${channelLabels[c.channel]} · ${c.template || 'no template'}`,
  ports: () => [{ id: 'next', label: '' }],
  check(c, refs) {
    if (!c.template) return [{ code: 'missing_template', field: 'template', message: `Choose a ${channelLabels[c.channel]} template.` }];
    const channel = refs.templates?.get(c.template);
    if (refs.templates && channel === undefined) return [{ code: 'unknown_template', field: 'template', message: `Template "${c.template}" does not exist.` }];
    if (channel !== undefined && channel !== c.channel)
      return [{ code: 'template_channel_mismatch', field: 'template', message: `Template "${c.template}" is for ${channelLabels[channel]}, not ${channelLabels[c.channel]}.` }];
    return [];
  },
  sends: (c) => ({ channel: c.channel, template: c.template }),
  enter: trySend,
  // a deferred message re-asks the policy when its timer fires; same visit, so still one send at most
  onTimer: trySend,
});
