import { describe, expect, it } from 'vitest';
import { aGraph, compiled, JourneyDriver, metricsOf } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import type { ProfileEvent } from '../../segments/evaluate';
import { DAY } from '../../util/time';

const T0 = Date.parse('2026-03-02T02:00:00Z');

/** entry → branch(android | recent_login | else) → one exit per port, named after it. */
function branchJourney() {
  return compiled(
    aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('branch', 'branch.condition', {
        cases: [
          {
            key: 'android',
            label: 'Android, score ≥ 600',
            conditions: [
              { type: 'trait', trait: 'os', op: 'eq', value: 'android' },
              { type: 'trait', trait: 'score', op: 'gte', value: 600 },
            ],
          },
          { key: 'recent_login', label: 'Logged in last 7 days', conditions: [{ type: 'event', event: 'app_login', withinDays: 7 }] },
        ],
      })
      .node('to_android', 'exit', { reason: 'android' })
      .node('to_recent', 'exit', { reason: 'recent_login' })
      .node('to_else', 'exit', { reason: 'else' })
      .then('entry', 'branch')
      .then('branch', 'to_android', 'android')
      .then('branch', 'to_recent', 'recent_login')
      .then('branch', 'to_else', 'else')
      .build(),
  );
}

function route(traits: Record<string, unknown>, events: ProfileEvent[] = []): string | null {
  const d = new JourneyDriver(branchJourney(), { now: T0, profile: { traits, events } });
  d.start();
  return d.run.exitReason;
}

describe('branch.condition: schema and ports', () => {
  it('defaults to one "yes" case (logged in within 7 days)', () => {
    expect(defaultConfig('branch.condition')).toEqual({
      cases: [{ key: 'yes', label: 'Yes', match: 'all', conditions: [{ type: 'event', event: 'app_login', did: true, withinDays: 7, filter: [] }] }],
    });
  });

  it('ports are the case keys in order, then "else"', () => {
    const c = nodeKinds['branch.condition'].schema.parse({
      cases: [
        { key: 'b', label: 'B', conditions: [{ type: 'trait', trait: 'x', op: 'exists' }] },
        { key: 'a', label: 'A', conditions: [{ type: 'trait', trait: 'y', op: 'exists' }] },
      ],
    });
    expect(nodeKinds['branch.condition'].ports(c).map((p) => p.id)).toEqual(['b', 'a', 'else']);
  });

  const trait = [{ type: 'trait', trait: 'os', op: 'exists' }];
  it.each([
    [{ cases: [] }, 'cases'],
    [{ cases: [{ key: 'else', label: 'Else', conditions: trait }] }, 'cases.0.key'],
    [{ cases: [{ key: 'Yes', label: 'Yes', conditions: trait }] }, 'cases.0.key'],
    [
      {
        cases: [
          { key: 'a', label: 'A', conditions: trait },
          { key: 'a', label: 'A again', conditions: trait },
        ],
      },
      'cases.1.key',
    ],
    [{ cases: [{ key: 'a', label: 'A', conditions: [] }] }, 'cases.0.conditions'],
    [{ cases: [{ key: 'a', label: '  ', conditions: trait }] }, 'cases.0.label'],
    [{ cases: [{ key: 'a', label: 'A', conditions: [{ type: 'event', event: 'app_login', withinDays: 0 }] }] }, 'cases.0.conditions.0.withinDays'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['branch.condition'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});

describe('branch.condition: through step', () => {
  it('takes the first case whose conditions all hold', () => {
    expect(route({ os: 'android', score: 720 })).toBe('android');
  });

  it('"all" needs every condition: a low score falls through to the next case or else', () => {
    expect(route({ os: 'android', score: 500 })).toBe('else');
    expect(route({ os: 'android', score: 500 }, [{ name: 'app_login', at: T0 - 2 * DAY, properties: {} }])).toBe('recent_login');
  });

  it('the first matching case wins when several hold', () => {
    expect(route({ os: 'android', score: 720 }, [{ name: 'app_login', at: T0 - DAY, properties: {} }])).toBe('android');
  });

  it('"did X in the last N days" looks only inside the window', () => {
    expect(route({}, [{ name: 'app_login', at: T0 - 7 * DAY, properties: {} }])).toBe('recent_login');
    expect(route({}, [{ name: 'app_login', at: T0 - 7 * DAY - 1, properties: {} }])).toBe('else');
    expect(route({}, [{ name: 'loan_drawn', at: T0 - DAY, properties: {} }])).toBe('else');
  });

  it('"any" needs one condition; "did not" matches the absence', () => {
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('branch', 'branch.condition', {
        cases: [
          {
            key: 'idle',
            label: 'Idle',
            match: 'any',
            conditions: [
              { type: 'event', event: 'app_login', did: false, withinDays: 30 },
              { type: 'trait', trait: 'vip', op: 'eq', value: true },
            ],
          },
        ],
      })
      .node('to_idle', 'exit', { reason: 'idle' })
      .node('to_else', 'exit', { reason: 'else' })
      .then('entry', 'branch')
      .then('branch', 'to_idle', 'idle')
      .then('branch', 'to_else', 'else')
      .build();
    const run = (traits: Record<string, unknown>, events: ProfileEvent[]) => {
      const d = new JourneyDriver(compiled(g), { now: T0, profile: { traits, events } });
      d.start();
      return d.run.exitReason;
    };
    const login: ProfileEvent = { name: 'app_login', at: T0 - 3 * DAY, properties: {} };
    expect(run({}, [])).toBe('idle');
    expect(run({}, [login])).toBe('else');
    expect(run({ vip: true }, [login])).toBe('idle');
  });

  it('counts the edge it took', () => {
    const d = new JourneyDriver(branchJourney(), { now: T0, profile: { traits: { os: 'ios' } } });
    d.start();
    expect(metricsOf(d.effects, 'edge').filter((e) => e.nodeId === 'branch')).toEqual([{ type: 'metric', metric: 'edge', nodeId: 'branch', port: 'else' }]);
  });
});
