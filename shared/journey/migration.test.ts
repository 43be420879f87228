import { describe, expect, it } from 'vitest';
import { autoMapping, MappingError, pairOf, resolveMapping, type MigrationNode } from './migration';

const n = (id: string, kind: MigrationNode['kind'], config: Record<string, unknown> = {}): MigrationNode => ({ id, kind, config });

describe('the node mapping of a live-version migration', () => {
  const old = [n('entry', 'trigger.event'), n('wait', 'wait.event', { event: 'app_opened' }), n('sms', 'send'), n('split', 'split.random'), n('gone', 'wait.duration')];
  const next = [n('entry', 'trigger.event'), n('wait2', 'wait.event', { event: 'app_login' }), n('sms', 'wait.duration'), n('call', 'send'), n('split', 'split.random')];

  it('maps by id first, then by kind when exactly one old and one new node of that kind are left without an id match', () => {
    expect(autoMapping(old, next)).toEqual({ entry: 'entry', wait: 'wait2', sms: 'sms', split: 'split', gone: null });
    // two unmatched waits of a kind: ambiguous, so neither is guessed
    expect(autoMapping([n('a', 'wait.duration'), n('b', 'wait.duration')], [n('c', 'wait.duration')])).toEqual({ a: null, b: null });
  });

  it('keeps the timer only at the same kind of wait (taking the new node’s event); anything else enters the new node afresh', () => {
    expect(pairOf(old[1] as MigrationNode, next[1] as MigrationNode)).toEqual({ from: 'wait', to: 'wait2', mode: 'keep', awaits: 'app_login', entersPath: true, leavesSend: false });
    expect(pairOf(n('w', 'wait.duration'), n('w', 'wait.duration'))).toMatchObject({ mode: 'keep', awaits: null, entersPath: false });
    // same id, another kind
    expect(pairOf(old[2] as MigrationNode, next[2] as MigrationNode)).toEqual({ from: 'sms', to: 'sms', mode: 'restart', awaits: null, entersPath: false, leavesSend: true });
    // the same instant kind is no wait: afresh
    expect(pairOf(n('s', 'send'), n('s', 'send'))).toMatchObject({ mode: 'restart' });
  });

  it('overrides win over the automatic mapping; null keeps a node’s contacts on the old version', () => {
    const pairs = resolveMapping(old, next, { gone: 'sms', wait: null });
    expect(pairs.map((p) => [p.from, p.to])).toEqual([
      ['entry', 'entry'],
      ['sms', 'sms'],
      ['split', 'split'],
      ['gone', 'sms'],
    ]);
  });

  it('refuses a mapping from or to a node that does not exist, naming it', () => {
    expect(() => resolveMapping(old, next, { ghost: 'sms' })).toThrow(new MappingError('node "ghost" is not a node of the old version', 'from', 'ghost'));
    expect(() => resolveMapping(old, next, { wait: 'nowhere' })).toThrow('node "nowhere" (mapped from "wait") is not a node of the new version');
  });
});
