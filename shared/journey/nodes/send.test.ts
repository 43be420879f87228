import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import type { PolicyCheck, PolicyRequest, PolicyVerdict } from '../run';
import { HOUR } from '../../util/time';
import { JourneyFault } from '../errors';

const T0 = Date.parse('2026-03-02T02:00:00Z');

/** entry → send → wait 1 day → exit: after the send the run parks at `after`. */
function sendJourney(config: Record<string, unknown>) {
  return compiled(
    aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('sms', 'send', { template: 'recall_sms', ...config })
      .node('after', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit')
      .then('entry', 'sms')
      .then('sms', 'after')
      .then('after', 'done')
      .build(),
  );
}

/** A policy that answers from a queue (the last answer repeats) and records what it was asked. */
function scriptedPolicy(...answers: PolicyVerdict[]): PolicyCheck & { asked: PolicyRequest[] } {
  const asked: PolicyRequest[] = [];
  const check = (req: PolicyRequest): PolicyVerdict => {
    asked.push(req);
    return answers.length > 1 ? (answers.shift() as PolicyVerdict) : (answers[0] as PolicyVerdict);
  };
  return Object.assign(check, { asked });
}

describe('send: schema and ports', () => {
  it('defaults to an SMS that waits when capped, with no template yet', () => {
    expect(defaultConfig('send')).toEqual({ channel: 'sms', template: '', whenCapped: 'wait' });
  });

  it('has no category of its own: a config saved when it had one still parses, without it', () => {
    expect(nodeKinds.send.schema.parse({ channel: 'sms', template: 'recall_sms', category: 'transactional' })).toEqual({ channel: 'sms', template: 'recall_sms', whenCapped: 'wait' });
  });

  it.each([
    [{ channel: 'fax' }, 'channel'],
    [{ whenCapped: 'later' }, 'whenCapped'],
    [{ template: 42 }, 'template'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds.send.schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('has one "next" port and reports its channel for the message bound', () => {
    const c = nodeKinds.send.schema.parse({ channel: 'voice', template: 'call' });
    expect(nodeKinds.send.ports(c).map((p) => p.id)).toEqual(['next']);
    expect(nodeKinds.send.sends?.(c)?.channel).toBe('voice');
  });

  it('checks the template against the catalogue', () => {
    const check = (config: Record<string, unknown>, templates?: Map<string, 'sms' | 'push'>) =>
      nodeKinds.send.check?.(nodeKinds.send.schema.parse(config), templates ? { templates } : {}).map((i) => i.code) ?? [];
    const catalogue = new Map<string, 'sms' | 'push'>([['recall_sms', 'sms']]);
    expect(check({ template: '  ' }, catalogue)).toEqual(['missing_template']);
    expect(check({ template: 'nope' }, catalogue)).toEqual(['unknown_template']);
    expect(check({ template: 'recall_sms', channel: 'push' }, catalogue)).toEqual(['template_channel_mismatch']);
    expect(check({ template: 'recall_sms' }, catalogue)).toEqual([]);
    expect(check({ template: 'anything' })).toEqual([]); // no catalogue: the reference check is skipped
  });
});

describe('send: through step', () => {
  it("allowed: emits one send keyed by the visit, in its template's category, and moves on", () => {
    const policy = scriptedPolicy({ decision: 'allow' });
    const d = new JourneyDriver(sendJourney({ channel: 'sms' }), { now: T0, policy, templateCategory: () => 'transactional' });
    const r = d.start();
    expect(effectsOf(r.effects, 'send')).toEqual([{ type: 'send', nodeId: 'sms', visit: 2, channel: 'sms', template: 'recall_sms', category: 'transactional' }]);
    expect(policy.asked).toEqual([{ channel: 'sms', category: 'transactional', nodeId: 'sms' }]);
    expect(d.run).toMatchObject({ nodeId: 'after', status: 'waiting', visit: 3 });
  });

  it('a node that still says transactional over a marketing template asks the policy as marketing', () => {
    const policy = scriptedPolicy({ decision: 'defer', until: T0 + HOUR, reason: 'cap_day' });
    const d = new JourneyDriver(sendJourney({ channel: 'sms', category: 'transactional' }), { now: T0, policy, templateCategory: () => 'marketing' });
    const r = d.start();
    expect(policy.asked).toEqual([{ channel: 'sms', category: 'marketing', nodeId: 'sms' }]);
    expect(effectsOf(r.effects, 'withheld')).toEqual([expect.objectContaining({ category: 'marketing', decision: 'deferred', reason: 'cap_day' })]);
  });

  it('without a category lookup every template is marketing: the strict reading', () => {
    const policy = scriptedPolicy({ decision: 'allow' });
    new JourneyDriver(sendJourney({ category: 'transactional' }), { now: T0, policy }).start();
    expect(policy.asked).toEqual([{ channel: 'sms', category: 'marketing', nodeId: 'sms' }]);
  });

  it('a template that does not exist is a fault of the journey: step lets it through instead of ending the run', () => {
    const d = new JourneyDriver(sendJourney({}), {
      now: T0,
      templateCategory: (t) => {
        throw new JourneyFault(`template "${t}" does not exist`);
      },
    });
    expect(() => d.start()).toThrow(JourneyFault);
    expect(d.run).toMatchObject({ nodeId: 'entry', status: 'active' });
  });

  it('suppressed: no send, a withheld record with the reason, and the run moves on', () => {
    const d = new JourneyDriver(sendJourney({}), { now: T0, policy: scriptedPolicy({ decision: 'suppress', reason: 'opted_out' }) });
    const r = d.start();
    expect(effectsOf(r.effects, 'send')).toEqual([]);
    expect(effectsOf(r.effects, 'withheld')).toEqual([
      { type: 'withheld', nodeId: 'sms', visit: 2, channel: 'sms', template: 'recall_sms', category: 'marketing', decision: 'suppressed', reason: 'opted_out', until: null },
    ]);
    expect(d.run).toMatchObject({ nodeId: 'after', status: 'waiting' });
  });

  it('deferred with whenCapped=wait: holds the run at the send until the policy allows, then sends once with the same visit', () => {
    const until = T0 + 8 * HOUR;
    const policy = scriptedPolicy({ decision: 'defer', until, reason: 'quiet_hours' }, { decision: 'allow' });
    const d = new JourneyDriver(sendJourney({ whenCapped: 'wait' }), { now: T0, policy });

    const first = d.start();
    expect(effectsOf(first.effects, 'send')).toEqual([]);
    expect(effectsOf(first.effects, 'withheld')).toEqual([expect.objectContaining({ nodeId: 'sms', decision: 'deferred', reason: 'quiet_hours', until })]);
    expect(effectsOf(first.effects, 'wakeAt')).toEqual([{ type: 'wakeAt', nodeId: 'sms', at: until }]);
    expect(d.run).toMatchObject({ nodeId: 'sms', status: 'waiting', wakeAt: until });
    const deferredVisit = d.run.visit;

    const early = d.timer(until - 1);
    expect(early.effects).toEqual([]);
    expect(early.run).toBe(d.history[0]?.run);

    const retry = d.timer(until);
    expect(effectsOf(retry.effects, 'send')).toEqual([expect.objectContaining({ nodeId: 'sms', visit: deferredVisit })]);
    expect(d.run).toMatchObject({ nodeId: 'after', status: 'waiting' });
    expect(policy.asked).toHaveLength(2);
  });

  it('deferred again on the retry: waits again, still without sending', () => {
    const policy = scriptedPolicy({ decision: 'defer', until: T0 + HOUR, reason: 'cap_day' }, { decision: 'defer', until: T0 + 5 * HOUR, reason: 'cap_day' }, { decision: 'allow' });
    const d = new JourneyDriver(sendJourney({}), { now: T0, policy });
    d.start();
    const visit = d.run.visit;
    const again = d.timer();
    expect(effectsOf(again.effects, 'send')).toEqual([]);
    expect(d.run).toMatchObject({ nodeId: 'sms', status: 'waiting', wakeAt: T0 + 5 * HOUR, visit });
    d.timer();
    expect(effectsOf(d.effects, 'send').map((s) => [s.nodeId, s.visit])).toEqual([['sms', visit]]);
  });

  it('deferred with whenCapped=skip: counted as suppressed and the run moves on at once', () => {
    const d = new JourneyDriver(sendJourney({ whenCapped: 'skip' }), { now: T0, policy: scriptedPolicy({ decision: 'defer', until: T0 + HOUR, reason: 'cap_week' }) });
    const r = d.start();
    expect(effectsOf(r.effects, 'send')).toEqual([]);
    expect(effectsOf(r.effects, 'withheld')).toEqual([expect.objectContaining({ nodeId: 'sms', decision: 'suppressed', reason: 'cap_week', until: null })]);
    expect(d.run).toMatchObject({ nodeId: 'after', status: 'waiting' });
  });

  it('a deferral into the past wakes at once rather than in the past', () => {
    const d = new JourneyDriver(sendJourney({}), { now: T0, policy: scriptedPolicy({ decision: 'defer', until: T0 - HOUR, reason: 'stale' }) });
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'sms', status: 'waiting', wakeAt: T0 });
  });
});
