import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffGraphs, summarizeChanges, type GraphChange } from './diff';
import type { JourneyGraph } from './graph';
import { aGraph, smsThenCallGraph } from '../fixtures/builders';
import { validGraph } from '../fixtures/arbitraries';

/** entry → "Recall SMS" → "Wait 3 days" → exit */
const base = (): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' }, 'Rejected')
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
    .node('wait', 'wait.duration', { amount: 3, unit: 'days' }, 'Wait 3 days')
    .node('done', 'exit', {})
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'done')
    .build();

const messages = (changes: GraphChange[]) => changes.map((c) => c.message);
const edit = (g: JourneyGraph, f: (g: JourneyGraph) => void): JourneyGraph => {
  const copy = structuredClone(g);
  f(copy);
  return copy;
};

describe('diffGraphs', () => {
  it('finds nothing between a graph and itself', () => {
    expect(diffGraphs(base(), base())).toEqual([]);
    expect(summarizeChanges([])).toBe('No changes');
  });

  it('reads no previous graph as empty: every node and wire is added, default settings are not news', () => {
    const changes = diffGraphs(null, base());
    expect(changes.filter((c) => c.type === 'nodeAdded')).toHaveLength(4);
    expect(changes.filter((c) => c.type === 'edgeAdded')).toHaveLength(3);
    expect(changes.some((c) => c.type === 'settingsChanged')).toBe(false);
    expect(messages(changes)).toContain('Added "Recall SMS" (Send message)');
    expect(messages(changes)).toContain('Connected "Rejected" → "Recall SMS"');
  });

  it('names added and removed nodes by title, or by kind when untitled', () => {
    const after = edit(base(), (g) => {
      g.nodes = g.nodes.filter((n) => n.id !== 'done');
      g.nodes.push({ id: 'call', kind: 'send', position: { x: 0, y: 0 }, config: { channel: 'voice', template: 'recall_call' } });
    });
    const changes = diffGraphs(base(), after);
    expect(changes.slice(0, 2)).toEqual([
      { type: 'nodeRemoved', nodeId: 'done', kind: 'exit', message: 'Removed "Exit" (Exit)' },
      { type: 'nodeAdded', nodeId: 'call', kind: 'send', message: 'Added "Send message" (Send message)' },
    ]);
  });

  it('says which config fields changed', () => {
    const after = edit(base(), (g) => {
      const wait = g.nodes.find((n) => n.id === 'wait');
      if (wait) wait.config = { amount: 5, unit: 'days' };
      const sms = g.nodes.find((n) => n.id === 'sms');
      if (sms) sms.config = { channel: 'sms', template: 'dropoff_d1_sms', whenCapped: 'skip' };
    });
    expect(diffGraphs(base(), after)).toEqual([
      { type: 'nodeChanged', nodeId: 'sms', fields: ['template', 'whenCapped'], message: 'Changed "Recall SMS": template, whenCapped' },
      { type: 'nodeChanged', nodeId: 'wait', fields: ['amount'], message: 'Changed "Wait 3 days": amount' },
    ]);
  });

  it('treats a default spelled out and a default left out as the same config', () => {
    const after = edit(base(), (g) => {
      const sms = g.nodes.find((n) => n.id === 'sms');
      if (sms) sms.config = { ...sms.config, category: 'marketing', whenCapped: 'wait' };
    });
    expect(diffGraphs(base(), after)).toEqual([]);
  });

  it('reports a rename, alone or with config changes', () => {
    const renamed = edit(base(), (g) => {
      const wait = g.nodes.find((n) => n.id === 'wait');
      if (wait) wait.title = 'Cool off';
    });
    expect(messages(diffGraphs(base(), renamed))).toEqual(['Renamed "Wait 3 days" to "Cool off"']);
    const both = edit(renamed, (g) => {
      const wait = g.nodes.find((n) => n.id === 'wait');
      if (wait) wait.config = { amount: 1, unit: 'hours' };
    });
    expect(diffGraphs(base(), both)).toEqual([{ type: 'nodeChanged', nodeId: 'wait', fields: ['title', 'amount', 'unit'], message: 'Changed "Cool off" (was "Wait 3 days"): amount, unit' }]);
  });

  it('reports a kind change once, without field noise', () => {
    const after = edit(base(), (g) => {
      const wait = g.nodes.find((n) => n.id === 'wait');
      if (wait) {
        wait.kind = 'wait.event';
        wait.config = { event: 'app_login', timeout: { amount: 3, unit: 'days' } };
      }
    });
    expect(diffGraphs(base(), after)).toEqual([{ type: 'nodeKindChanged', nodeId: 'wait', from: 'wait.duration', to: 'wait.event', message: 'Changed "Wait 3 days" from Wait to Wait for event' }]);
  });

  it('identifies an edge by source, port and target: a new id is no change, a new port is', () => {
    const reIded = edit(base(), (g) => {
      g.edges = g.edges.map((e, i) => ({ ...e, id: `fresh-${i}` }));
    });
    expect(diffGraphs(base(), reIded)).toEqual([]);

    const before = smsThenCallGraph();
    const after = edit(before, (g) => {
      g.edges = g.edges.map((e) => (e.source === 'wait' && e.sourcePort === 'timeout' ? { ...e, target: 'done' } : e.source === 'wait' ? { ...e, target: 'call' } : e));
    });
    const changes = diffGraphs(before, after);
    expect(changes.map((c) => c.type)).toEqual(['edgeRemoved', 'edgeRemoved', 'edgeAdded', 'edgeAdded']);
    expect(changes[0]).toMatchObject({ source: 'wait', sourcePort: 'event', target: 'done' });
    expect(messages(changes)).toContain('Connected "Wait for event" (timeout) → "Exit"');
  });

  it('names the settings that changed', () => {
    const after = edit(base(), (g) => {
      g.settings.goals = [{ event: 'app_login', filter: [], windowDays: 7 }];
      g.settings.exclusionGroup = 'recall';
    });
    const changes = diffGraphs(base(), after);
    expect(changes).toEqual([{ type: 'settingsChanged', keys: ['goals', 'exclusionGroup'], message: 'Changed settings: goals, exclusion group' }]);
    expect(summarizeChanges(changes)).toBe('settings: goals, exclusion group');
  });

  it('does not count node moves', () => {
    const moved = edit(base(), (g) => {
      for (const n of g.nodes) n.position = { x: n.position.x + 400, y: -n.position.y };
    });
    expect(diffGraphs(base(), moved)).toEqual([]);
  });
});

describe('summarizeChanges', () => {
  it('counts by group, saying the noun once', () => {
    const after = edit(base(), (g) => {
      g.nodes.push({ id: 'a', kind: 'exit', position: { x: 0, y: 0 }, config: {} }, { id: 'b', kind: 'exit', position: { x: 0, y: 0 }, config: {} });
      const wait = g.nodes.find((n) => n.id === 'wait');
      if (wait) wait.config = { amount: 4, unit: 'days' };
      g.settings.goals = [{ event: 'app_login', filter: [], windowDays: 7 }];
    });
    expect(summarizeChanges(diffGraphs(base(), after))).toBe('2 nodes added, 1 changed, settings: goals');
  });

  it('speaks in the singular and counts wires', () => {
    const after = edit(base(), (g) => {
      g.nodes = g.nodes.filter((n) => n.id !== 'done');
      g.edges = g.edges.filter((e) => e.target !== 'done');
    });
    expect(summarizeChanges(diffGraphs(base(), after))).toBe('1 node removed, 1 connection removed');
  });
});

describe('diffGraphs properties', () => {
  it('a graph against itself, or against a copy with nodes moved and edges re-numbered, has no changes', () => {
    fc.assert(
      fc.property(validGraph, fc.array(fc.record({ dx: fc.integer({ min: -2000, max: 2000 }), dy: fc.integer({ min: -2000, max: 2000 }) }), { minLength: 1 }), ({ graph }, moves) => {
        expect(diffGraphs(graph, graph)).toEqual([]);
        const moved: JourneyGraph = {
          ...graph,
          nodes: graph.nodes.map((n, i) => {
            const m = moves[i % moves.length] ?? { dx: 0, dy: 0 };
            return { ...n, position: { x: n.position.x + m.dx, y: n.position.y + m.dy } };
          }),
          edges: [...graph.edges].reverse().map((e, i) => ({ ...e, id: `x${i}` })),
        };
        expect(diffGraphs(graph, moved)).toEqual([]);
        expect(summarizeChanges(diffGraphs(graph, moved))).toBe('No changes');
      }),
    );
  });

  it('every node of the new graph is either added or already there; from nothing, all of them are added', () => {
    fc.assert(
      fc.property(validGraph, ({ graph }) => {
        const changes = diffGraphs(null, graph);
        expect(changes.filter((c) => c.type === 'nodeAdded').map((c) => c.type === 'nodeAdded' && c.nodeId)).toEqual(graph.nodes.map((n) => n.id));
        expect(changes.filter((c) => c.type === 'edgeAdded')).toHaveLength(new Set(graph.edges.map((e) => `${e.source}|${e.sourcePort}|${e.target}`)).size);
        // and back again: removing everything removes exactly those
        const empty: JourneyGraph = { nodes: [], edges: [], settings: graph.settings };
        expect(diffGraphs(graph, empty).filter((c) => c.type === 'nodeRemoved')).toHaveLength(graph.nodes.length);
      }),
    );
  });
});
