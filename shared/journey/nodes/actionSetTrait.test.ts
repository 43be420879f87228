import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';

const T0 = Date.parse('2026-03-02T02:00:00Z');

describe('action.setTrait: schema and ports', () => {
  it('defaults to journey_stage = ""', () => {
    expect(defaultConfig('action.setTrait')).toEqual({ trait: 'journey_stage', value: '' });
  });

  it.each([
    [{ trait: '  ' }, 'trait'],
    [{ trait: 'x'.repeat(121) }, 'trait'],
    [{ value: { nested: true } }, 'value'],
    [{ value: [1, 2] }, 'value'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['action.setTrait'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('accepts every scalar value', () => {
    for (const value of ['sms_sent', 3, false, null]) expect(nodeKinds['action.setTrait'].schema.parse({ value }).value).toBe(value);
  });

  it('has one "next" port', () => {
    expect(nodeKinds['action.setTrait'].ports(defaultConfig('action.setTrait')).map((p) => p.id)).toEqual(['next']);
  });
});

describe('action.setTrait: through step', () => {
  /** entry → set recall_stage → branch on recall_stage → exits named after the port taken. */
  function tagThenBranch(value: unknown) {
    return compiled(
      aGraph()
        .node('entry', 'trigger.event', { event: 'signup' })
        .node('tag', 'action.setTrait', { trait: 'recall_stage', value })
        .node('branch', 'branch.condition', { cases: [{ key: 'tagged', label: 'Tagged', conditions: [{ type: 'trait', trait: 'recall_stage', op: 'eq', value: 'sms_sent' }] }] })
        .node('yes', 'exit', { reason: 'tagged' })
        .node('no', 'exit', { reason: 'untagged' })
        .then('entry', 'tag')
        .then('tag', 'branch')
        .then('branch', 'yes', 'tagged')
        .then('branch', 'no', 'else')
        .build(),
    );
  }

  it('emits a setTrait effect', () => {
    const d = new JourneyDriver(tagThenBranch('sms_sent'), { now: T0 });
    const r = d.start();
    expect(effectsOf(r.effects, 'setTrait')).toEqual([{ type: 'setTrait', nodeId: 'tag', trait: 'recall_stage', value: 'sms_sent' }]);
  });

  it('a branch later in the same step already sees the new trait', () => {
    const d = new JourneyDriver(tagThenBranch('sms_sent'), { now: T0, profile: { traits: { recall_stage: 'new' } } });
    d.start();
    expect(d.run.exitReason).toBe('tagged');
  });

  it('the branch still sees the old trait when the action writes something else', () => {
    const d = new JourneyDriver(tagThenBranch('call_made'), { now: T0, profile: { traits: { recall_stage: 'sms_sent' } } });
    d.start();
    expect(d.run.exitReason).toBe('untagged');
  });

  it('does not mutate the profile it was given', () => {
    const traits = { recall_stage: 'new' };
    const d = new JourneyDriver(tagThenBranch('sms_sent'), { now: T0, profile: { traits } });
    const given = d.profile;
    d.start();
    expect(traits).toEqual({ recall_stage: 'new' });
    expect(given.traits).toEqual({ recall_stage: 'new' });
  });
});
