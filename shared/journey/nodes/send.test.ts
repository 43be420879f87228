import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver, metricsOf, smsOrCallGraph } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import { awaitingMessage, type PolicyCheck, type PolicyRequest, type PolicyVerdict } from '../run';
import { DAY, HOUR } from '../../util/time';
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
    expect(defaultConfig('send')).toEqual({ channel: 'sms', template: '', whenCapped: 'wait', outcomeTimeout: { amount: 2, unit: 'days' } });
  });

  it('has no category of its own: a config saved when it had one still parses, without it', () => {
    expect(nodeKinds.send.schema.parse({ channel: 'sms', template: 'recall_sms', category: 'transactional' })).toMatchObject({ channel: 'sms', template: 'recall_sms', whenCapped: 'wait' });
    expect(nodeKinds.send.schema.parse({ channel: 'sms', template: 'recall_sms', category: 'transactional' })).not.toHaveProperty('category');
  });

  it.each([
    [{ channel: 'fax' }, 'channel'],
    [{ whenCapped: 'later' }, 'whenCapped'],
    [{ template: 42 }, 'template'],
    [{ outcomeTimeout: { amount: 0, unit: 'hours' } }, 'outcomeTimeout.amount'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds.send.schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('has a "next" port and an optional "failed" one, and reports its channel for the message bound', () => {
    const c = nodeKinds.send.schema.parse({ channel: 'voice', template: 'call' });
    expect(nodeKinds.send.ports(c)).toEqual([
      { id: 'next', label: '' },
      { id: 'failed', label: 'failed', labelKey: 'port.failed', optional: true },
    ]);
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

describe('send: the failed port', () => {
  const outcomeWait = 2 * DAY;

  it('unwired, nothing changes: the run goes on at once and an outcome has nothing to act on', () => {
    const d = new JourneyDriver(sendJourney({}), { now: T0 });
    const r = d.start();
    expect(effectsOf(r.effects, 'send')).toHaveLength(1);
    expect(d.run).toMatchObject({ nodeId: 'after', status: 'waiting', waitingFor: null });
    const waiting = d.run;
    expect(d.message('failed').effects).toEqual([]);
    expect(d.run).toBe(waiting);
  });

  it('wired, the run sends and waits at the node for the outcome, at most the outcome timeout', () => {
    const d = new JourneyDriver(compiled(smsOrCallGraph()), { now: T0 });
    const r = d.start();
    expect(effectsOf(r.effects, 'send')).toEqual([expect.objectContaining({ nodeId: 'sms', visit: 2 })]);
    expect(effectsOf(r.effects, 'waitFor')).toEqual([{ type: 'waitFor', nodeId: 'sms', event: awaitingMessage, until: T0 + outcomeWait }]);
    expect(d.run).toMatchObject({ nodeId: 'sms', status: 'waiting', visit: 2, waitingFor: awaitingMessage, wakeAt: T0 + outcomeWait });
  });

  it.each([
    ['sent', 'sent', 'sms_sent'],
    ['delivered', 'sent', 'sms_sent'],
    // withheld by the policy (or left behind by an archive) is not a provider failure: on as if sent
    ['suppressed', 'sent', 'sms_sent'],
    ['failed', 'call', 'fell_back'],
    ['dead', 'call', 'fell_back'],
  ] as const)('a message %s takes the run to %s', (status, next, reason) => {
    const d = new JourneyDriver(compiled(smsOrCallGraph()), { now: T0 });
    d.start();
    const r = d.message(status, T0 + HOUR);
    expect(metricsOf(r.effects, 'edge')[0]).toMatchObject({ nodeId: 'sms', port: next === 'call' ? 'failed' : 'next' });
    expect(d.run).toMatchObject({ status: 'exited', exitReason: reason });
    expect(effectsOf(d.effects, 'send').map((e) => e.nodeId)).toEqual(next === 'call' ? ['sms', 'call'] : ['sms']);
  });

  it('no outcome within the timeout: the run takes the failed port, and a late outcome finds it gone', () => {
    const d = new JourneyDriver(compiled(smsOrCallGraph({ outcomeTimeout: { amount: 6, unit: 'hours' } })), { now: T0 });
    d.start();
    expect(d.run.wakeAt).toBe(T0 + 6 * HOUR);
    expect(d.timer(T0 + 6 * HOUR - 1).effects).toEqual([]);
    const r = d.timer(T0 + 6 * HOUR);
    expect(metricsOf(r.effects, 'edge')[0]).toMatchObject({ nodeId: 'sms', port: 'failed' });
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'fell_back' });
    expect(d.message('sent').effects).toEqual([]);
  });

  it('an event while it waits passes it by, unless it is an exit criterion', () => {
    const g = smsOrCallGraph();
    const d = new JourneyDriver(compiled({ ...g, settings: { ...g.settings, exitCriteria: [{ event: 'loan_drawn', filter: [] }] } }), { now: T0 });
    d.start();
    const waiting = d.run;
    expect(d.event(awaitingMessage).effects).toEqual([]);
    expect(d.event('app_login').effects).toEqual([]);
    expect(d.run).toBe(waiting);
    d.event('loan_drawn');
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'sms', exitReason: 'exit_criteria:loan_drawn' });
  });

  it('a capped message waits for the policy first (its timer re-asks), then for its outcome, under one visit', () => {
    const until = T0 + 8 * HOUR;
    const d = new JourneyDriver(compiled(smsOrCallGraph()), { now: T0, policy: scriptedPolicy({ decision: 'defer', until, reason: 'quiet_hours' }, { decision: 'allow' }) });
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'sms', waitingFor: null, wakeAt: until });
    // an outcome cannot come for a message not sent yet; were one fed, it would not move the run
    expect(d.message('failed').effects).toEqual([]);
    d.timer();
    expect(d.run).toMatchObject({ nodeId: 'sms', visit: 2, waitingFor: awaitingMessage, wakeAt: until + outcomeWait });
    d.message('delivered');
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'sms_sent' });
    expect(effectsOf(d.effects, 'send')).toEqual([expect.objectContaining({ nodeId: 'sms', visit: 2 })]);
  });

  it('suppressed or skipped by the policy, no message is awaited: the run goes on by next at once', () => {
    for (const verdict of [
      { decision: 'suppress', reason: 'opted_out' },
      { decision: 'defer', until: T0 + HOUR, reason: 'cap_day' },
    ] as const) {
      const g = smsOrCallGraph();
      const sms = g.nodes.find((n) => n.id === 'sms');
      if (sms) sms.config = { ...sms.config, whenCapped: 'skip' };
      const d = new JourneyDriver(compiled(g), { now: T0, policy: scriptedPolicy(verdict, { decision: 'allow' }) });
      d.start();
      expect(d.run).toMatchObject({ status: 'exited', exitReason: 'sms_sent' });
      expect(effectsOf(d.effects, 'send')).toEqual([]);
    }
  });
});
