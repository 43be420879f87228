import { describe, expect, it } from 'vitest';
import { aGraph, smsThenCallGraph } from '../../shared/fixtures/builders';
import { JourneyGraph } from '../../shared/journey/graph';
import { nodeKindNames } from '../../shared/journey/registry';
import { fromFlow } from './fromFlow';
import { toFlow } from './toFlow';
import { layoutNodes, needsLayout } from './layout';

function roundTrip(graph: JourneyGraph): JourneyGraph {
  return fromFlow(toFlow(graph), graph.settings);
}

describe('toFlow / fromFlow', () => {
  it('round-trips the SMS → wait → call fixture', () => {
    const graph = smsThenCallGraph();
    expect(roundTrip(graph)).toEqual(graph);
  });

  it('round-trips every node kind, titles, odd configs and unknown ports', () => {
    let b = aGraph();
    nodeKindNames.forEach((kind, i) => {
      b = b.node(`n${i}`, kind, {}, i % 2 ? `Title ${i}` : undefined);
    });
    const graph = b
      .node('bad', 'send', { channel: 'carrier-pigeon', extra: [1, { deep: true }] })
      .then('n0', 'n2')
      .then('n6', 'n7', 'a')
      .then('n6', 'n9', 'gone')
      .then('bad', 'n9')
      .build();
    const result = roundTrip(graph);
    expect(result).toEqual(graph);
    expect(JourneyGraph.parse(result)).toEqual(graph);
  });

  it('maps kind to node type, port to source handle and port label to edge label', () => {
    const flow = toFlow(smsThenCallGraph());
    expect(flow.nodes.map((n) => n.type)).toEqual(['trigger.segment', 'send', 'wait.event', 'send', 'exit']);
    const timeout = flow.edges.find((e) => e.sourceHandle === 'timeout');
    expect(timeout).toMatchObject({ source: 'wait', target: 'call', label: 'timeout' });
    expect(flow.edges.find((e) => e.source === 'entry')?.label).toBeUndefined();
  });

  it('labels split arms with their weight and branch cases with their names', () => {
    const graph = aGraph()
      .node('s', 'split.random', { arms: [{ key: 'a', label: 'A', weight: 90 }], holdout: 10 })
      .node('b', 'branch.condition', {})
      .node('x', 'exit')
      .then('s', 'b', 'a')
      .then('b', 'x', 'yes')
      .then('b', 'x', 'else')
      .then('s', 'x', 'removed_arm')
      .build();
    const labels = toFlow(graph).edges.map((e) => e.label ?? '');
    expect(labels).toEqual(['A 90%', 'Yes', 'else', 'removed_arm']);
  });

  it('keeps an empty graph empty', () => {
    const graph = aGraph().build();
    expect(toFlow(graph)).toEqual({ nodes: [], edges: [] });
    expect(roundTrip(graph)).toEqual(graph);
  });
});

describe('layout', () => {
  it('detects stacked nodes and lays them out top to bottom without overlap', () => {
    const nodes = [
      { id: 'a', position: { x: 0, y: 0 } },
      { id: 'b', position: { x: 0, y: 0 } },
      { id: 'c', position: { x: 0, y: 0 } },
    ];
    expect(needsLayout(nodes)).toBe(true);
    const laid = layoutNodes(nodes, [
      { source: 'a', target: 'b' },
      { source: 'a', target: 'c' },
    ]);
    expect(needsLayout(laid)).toBe(false);
    const [a, b, c] = laid;
    expect(a && b && c && a.position.y < b.position.y && b.position.y === c.position.y).toBe(true);
  });

  it('leaves distinct positions alone', () => {
    expect(needsLayout(smsThenCallGraph().nodes)).toBe(false);
  });
});
