import { z } from 'zod';
import { defineKind, type Outcome, type StepEnv } from '../kind';
import type { Effect } from '../effects';
import { Channel, MessageCategory, channelLabels } from '../channels';
import { awaitingMessage } from '../run';
import type { SettledStatus } from '../../outbox/status';
import { durationMs } from '../../util/time';
import { Duration } from './waitDuration';

/**
 * No category here: whether a message may escape the caps (transactional) is
 * a property of its template, which an admin marks. Drafts and versions saved
 * when the node still had a `category` field parse as before: the schema
 * strips the key, and nothing reads it.
 */
const SendConfig = z.object({
  channel: Channel.default('sms').meta({ ui: 'channel', title: 'Channel', titleKey: 'field.channel' }),
  /** template key under templates/messages/ */
  template: z.string().trim().default('').meta({ ui: 'template', title: 'Template', titleKey: 'field.template' }),
  /** what a message held back by a cap or quiet hours does */
  whenCapped: z.enum(['wait', 'skip']).default('wait').meta({ title: 'When capped or in quiet hours', titleKey: 'field.whenCappedOrInQuiet' }),
  /** how long a run waits for its message's outcome when the failed port is connected */
  outcomeTimeout: Duration.default({ amount: 2, unit: 'days' }).meta({
    title: 'If not sent within',
    titleKey: 'field.ifNotSentWithin',
    description:
      'With the "failed" port connected: a contact whose message is still not sent (or failed) after this long takes that port. Keep it longer than the channel’s retry horizon (24 hours by default).',
    descriptionKey: 'field.ifNotSentWithin.help',
  }),
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

/** The optional port a run takes when its message failed or died; wired, the run waits at the node for the outcome. */
const failedPort = 'failed';

/**
 * Where a settled message sends its run: on to `next` once it went out (sent,
 * delivered), or the policy withheld it after all (suppressed: a cap or an
 * opt-out is not a provider failure, and a run without a message goes on
 * as it does when the policy suppresses at once); `failed` when the provider
 * refused it for good or it ran out of retries (dead). Module level: no
 * closure per message.
 */
const portFor: Record<SettledStatus, string> = { sent: 'next', delivered: 'next', suppressed: 'next', failed: failedPort, dead: failedPort };

/** Does this send node route failures (its `failed` port wired)? Compile drops unwired ports from the machine. */
const routesFailures = ({ ctx, nodeId }: StepEnv): boolean => ctx.machine.nodes[nodeId]?.next[failedPort] !== undefined;

function trySend(c: SendConfig, env: StepEnv): Outcome {
  const { ctx, run, nodeId } = env;
  // the template's category, never the node's say: a node cannot relax what its template is
  const category = ctx.templateCategory?.(c.template) ?? 'marketing';
  const verdict = ctx.policy({ channel: c.channel, category, nodeId });
  switch (verdict.decision) {
    case 'allow': {
      const effects: Effect[] = [{ type: 'send', nodeId, visit: run.visit, channel: c.channel, template: c.template, category }];
      // with somewhere to send failures, the run waits for the outcome (the server steps it with the
      // message's final status), or at most `outcomeTimeout`; without, it goes on at once, as it always has
      return routesFailures(env)
        ? { type: 'wait', until: ctx.now + durationMs(c.outcomeTimeout.amount, c.outcomeTimeout.unit), event: awaitingMessage, effects }
        : { type: 'go', port: 'next', effects };
    }
    case 'suppress':
      return { type: 'go', port: 'next', effects: [withheld(c, category, env, 'suppressed', verdict.reason, null)] };
    case 'defer':
      return c.whenCapped === 'wait'
        ? { type: 'wait', until: verdict.until, effects: [withheld(c, category, env, 'deferred', verdict.reason, verdict.until)] }
        : { type: 'go', port: 'next', effects: [withheld(c, category, env, 'suppressed', verdict.reason, null)] };
  }
}

/**
 * Sends one message through the contact policy; a capped message waits or is
 * skipped. With its optional `failed` port connected, the run waits at the
 * node until the outbox settles the message: sent or delivered go on by
 * `next`, failed or dead by `failed`; still unsettled after `outcomeTimeout`,
 * by `failed` too (the message may yet go out; the run does not wait forever).
 */
export const send = defineKind({
  kind: 'send',
  role: 'instant',
  schema: SendConfig,
  palette: {
    group: 'Messages',
    label: 'Send message',
    icon: 'send',
    description: 'SMS, push, robo-call, email or webhook.',
    labelKey: 'kind.sendMessage.label',
    descriptionKey: 'kind.sendMessage.description',
  },
  summary: (c) => `${channelLabels[c.channel]} · ${c.template || 'no template'}`,
  ports: () => [
    { id: 'next', label: '' },
    { id: failedPort, label: 'failed', labelKey: 'port.failed', optional: true },
  ],
  check(c, refs) {
    if (!c.template) return [{ code: 'missing_template', field: 'template', message: `Choose a ${channelLabels[c.channel]} template.`, params: { channel: c.channel } }];
    const channel = refs.templates?.get(c.template);
    if (refs.templates && channel === undefined) return [{ code: 'unknown_template', field: 'template', message: `Template "${c.template}" does not exist.`, params: { template: c.template } }];
    if (channel !== undefined && channel !== c.channel)
      return [
        {
          code: 'template_channel_mismatch',
          field: 'template',
          message: `Template "${c.template}" is for ${channelLabels[channel]}, not ${channelLabels[c.channel]}.`,
          params: { template: c.template, channel: c.channel, templateChannel: channel },
        },
      ];
    return [];
  },
  sends: (c) => ({ channel: c.channel, template: c.template }),
  enter: trySend,
  // a deferred message re-asks the policy when its timer fires (same visit, so still one send at most);
  // a run that waited for its message's outcome this long gives up on it
  onTimer: (c, env) => (env.run.waitingFor === awaitingMessage ? { type: 'go', port: failedPort } : trySend(c, env)),
  onMessage: (_c, env, status) => {
    const port = portFor[status];
    // a version whose failed port is unwired never waits; should one get here, it goes on as if sent
    return { type: 'go', port: port === failedPort && !routesFailures(env) ? 'next' : port };
  },
});
