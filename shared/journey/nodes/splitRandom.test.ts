import { describe, expect, it } from 'vitest';
import { aGraph, compiled, JourneyDriver, metricsOf } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import { pickByWeight } from './splitRandom';
import type { CompiledJourney } from '../machine';
import type { KeyedRng } from '../../util/hash';

const T0 = Date.parse('2026-03-02T02:00:00Z');

interface ArmInput {
  key: string;
  weight: number;
}

/** entry → split → one exit per arm, named after the arm. */
function splitJourney(arms: ArmInput[], holdout = 0, splitId = 'split'): CompiledJourney {
  const g = aGraph()
    .node('entry', 'trigger.event', { event: 'signup' })
    .node(splitId, 'split.random', { arms: arms.map((a) => ({ ...a, label: a.key.toUpperCase() })), holdout })
    .then('entry', splitId);
  for (const a of arms) g.node(`to_${a.key}`, 'exit', { reason: a.key }).then(splitId, `to_${a.key}`, a.key);
  return compiled(g.build());
}

function armOf(machine: CompiledJourney, contactId: string, seed: number | string = 'workspace-1', rng?: KeyedRng): string | null {
  const d = new JourneyDriver(machine, { now: T0, contactId, seed, ...(rng ? { rng } : {}) });
  d.start();
  return d.run.exitReason;
}

describe('split.random: schema and ports', () => {
  it('defaults to A/B at 50/50 with no holdout', () => {
    expect(defaultConfig('split.random')).toEqual({
      arms: [
        { key: 'a', label: 'A', weight: 50 },
        { key: 'b', label: 'B', weight: 50 },
      ],
      holdout: 0,
    });
  });

  it('has one port per arm; the holdout is not a port', () => {
    const c = nodeKinds['split.random'].schema.parse({
      arms: [
        { key: 'caring', label: 'Caring', weight: 45 },
        { key: 'offer', label: 'Offer', weight: 45 },
      ],
      holdout: 10,
    });
    expect(nodeKinds['split.random'].ports(c).map((p) => p.id)).toEqual(['caring', 'offer']);
  });

  const arm = (key: string, weight: number) => ({ key, label: key, weight });
  it.each([
    [{ arms: [arm('a', 50), arm('b', 40)] }, 'arms'],
    [{ arms: [arm('a', 50), arm('b', 50)], holdout: 10 }, 'arms'],
    [{ arms: [arm('a', 50), arm('a', 50)] }, 'arms.1.key'],
    [{ arms: [arm('A', 100)] }, 'arms.0.key'],
    [{ arms: [arm('a', -10), arm('b', 110)] }, 'arms.0.weight'],
    [{ arms: [arm('a', 100)], holdout: -1 }, 'holdout'],
    [{ arms: [] }, 'arms'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['split.random'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});

describe('pickByWeight', () => {
  it('maps a draw to the arm whose cumulative share covers it, -1 in the remainder', () => {
    expect(pickByWeight([20, 30, 40], 0)).toBe(0);
    expect(pickByWeight([20, 30, 40], 0.1999)).toBe(0);
    expect(pickByWeight([20, 30, 40], 0.2)).toBe(1);
    expect(pickByWeight([20, 30, 40], 0.5)).toBe(2);
    expect(pickByWeight([20, 30, 40], 0.9)).toBe(-1);
    expect(pickByWeight([0, 100], 0)).toBe(1);
  });
});

describe('split.random: through step', () => {
  it('is deterministic per (contact, node): the same contact always lands in the same arm', () => {
    const m = splitJourney([
      { key: 'a', weight: 50 },
      { key: 'b', weight: 50 },
    ]);
    for (let i = 0; i < 50; i++) expect(armOf(m, `c${i}`)).toBe(armOf(m, `c${i}`));
  });

  it('the draw depends on the contact and on the node', () => {
    const arms = [
      { key: 'a', weight: 50 },
      { key: 'b', weight: 50 },
    ];
    const contacts = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const first = splitJourney(arms, 0, 'split_one');
    const second = splitJourney(arms, 0, 'split_two');
    const arms1 = contacts.map((c) => armOf(first, c));
    const arms2 = contacts.map((c) => armOf(second, c));
    expect(new Set(arms1).size).toBe(2);
    expect(arms1).not.toEqual(arms2);
  });

  it('roughly follows the weights, with the holdout share exiting as holdout', () => {
    const m = splitJourney(
      [
        { key: 'caring', weight: 20 },
        { key: 'offer', weight: 50 },
      ],
      30,
    );
    const n = 4000;
    const counts = new Map<string | null, number>();
    for (let i = 0; i < n; i++) {
      const arm = armOf(m, `contact-${i}`);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['caring', 'holdout', 'offer']);
    expect((counts.get('caring') ?? 0) / n).toBeCloseTo(0.2, 1);
    expect((counts.get('offer') ?? 0) / n).toBeCloseTo(0.5, 1);
    expect((counts.get('holdout') ?? 0) / n).toBeCloseTo(0.3, 1);
  });

  it('a holdout run exits at the split, counted as entered and with a holdout metric', () => {
    const m = splitJourney([{ key: 'a', weight: 0 }], 100);
    const d = new JourneyDriver(m, { now: T0 });
    const r = d.start();
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'split', exitReason: 'holdout' });
    expect(metricsOf(r.effects, 'holdout')).toEqual([{ type: 'metric', metric: 'holdout', nodeId: 'split' }]);
    expect(metricsOf(r.effects, 'entered').map((e) => e.nodeId)).toEqual(['entry', 'split']);
  });

  it('a zero-weight arm is never taken', () => {
    const m = splitJourney([
      { key: 'never', weight: 0 },
      { key: 'always', weight: 100 },
    ]);
    for (let i = 0; i < 200; i++) expect(armOf(m, `c${i}`)).toBe('always');
  });

  it('without a holdout, a draw in the float remainder of weights that sum a hair under 100 still gets an arm', () => {
    const arms = [
      { key: 'a', weight: 0.1 },
      { key: 'b', weight: 64.1 },
      { key: 'c', weight: 35.8 },
    ];
    expect(arms.reduce((s, a) => s + a.weight, 0)).toBeLessThan(100); // the schema accepts this within 1e-9
    const highest: KeyedRng = () => 1 - 2 ** -53;
    expect(armOf(splitJourney(arms), 'c1', 0, highest)).toBe('c');
  });
});
