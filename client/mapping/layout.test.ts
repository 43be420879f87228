import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { aGraph } from '../../shared/fixtures/builders';
import { JourneyGraph } from '../../shared/journey/graph';
import { kindDef } from '../../shared/journey/registry';
import { layoutNodes } from './layout';

const xOf = (nodes: { id: string; position: { x: number } }[], id: string) => nodes.find((n) => n.id === id)?.position.x ?? NaN;

describe('tidy up keeps each node’s port order', () => {
  it('wait for event: the event branch left of the timeout branch, whatever order the edges were drawn in', () => {
    // timeout was wired first: dagre alone puts its target on the left, under the event port
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } })
      .node('call', 'send', { channel: 'voice', template: 'recall_call' })
      .node('thanks', 'send', { channel: 'sms', template: 'thanks' })
      .then('entry', 'wait')
      .then('wait', 'call', 'timeout')
      .then('wait', 'thanks', 'event')
      .build();
    // whatever order the nodes and edges come in
    for (const nodes of [g.nodes, [...g.nodes].reverse()])
      for (const edges of [g.edges, [...g.edges].reverse()]) {
        const laid = layoutNodes(nodes, edges);
        expect(xOf(laid, 'thanks')).toBeLessThan(xOf(laid, 'call'));
      }
  });

  it('a split keeps its arms left to right as configured', () => {
    const arms = ['a', 'b', 'c', 'd'].map((key) => ({ key, label: key.toUpperCase(), weight: 25 }));
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('split', 'split.random', { arms })
      .node('x_d', 'exit')
      .node('x_b', 'exit')
      .node('x_a', 'exit')
      .node('x_c', 'exit')
      .then('entry', 'split')
      .then('split', 'x_d', 'd')
      .then('split', 'x_b', 'b')
      .then('split', 'x_c', 'c')
      .then('split', 'x_a', 'a')
      .build();
    const laid = layoutNodes(g.nodes, g.edges);
    const xs = ['x_a', 'x_b', 'x_c', 'x_d'].map((id) => xOf(laid, id));
    expect([...xs].sort((p, q) => p - q)).toEqual(xs);
  });

  it('keeps the order when one branch’s first hop is a long edge to a node further down', () => {
    // event → done, which also follows call: done sits two ranks below wait, so the event edge passes a dummy
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } })
      .node('call', 'send', { channel: 'voice', template: 'recall_call' })
      .node('done', 'exit')
      .then('entry', 'wait')
      .then('wait', 'call', 'timeout')
      .then('call', 'done')
      .then('wait', 'done', 'event')
      .build();
    // the same graph with the edges listed the other way round lays out the same way
    for (const edges of [g.edges, [...g.edges].reverse()]) {
      const laid = layoutNodes(g.nodes, edges);
      expect(xOf(laid, 'done')).toBeLessThan(xOf(laid, 'call'));
    }
  });

  it('every shipped blueprint: each node’s children in the rank below sit in its port order', () => {
    const dir = new URL('../../templates/journeys/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { graph?: unknown };
      const g = JourneyGraph.parse(raw.graph ?? raw);
      // the order nodes and edges were drawn in must not matter
      for (const laid of [layoutNodes(g.nodes, g.edges), layoutNodes([...g.nodes].reverse(), [...g.edges].reverse())]) {
        const y = new Map(laid.map((n) => [n.id, n.position.y]));
        for (const n of g.nodes) {
          const ports = kindDef(n.kind)
            .ports(kindDef(n.kind).schema.parse(n.config))
            .map((p) => p.id);
          const below = ports
            .map((p) => g.edges.find((e) => e.source === n.id && e.sourcePort === p)?.target)
            .filter((t): t is string => t !== undefined && (y.get(t) ?? 0) - (y.get(n.id) ?? 0) < 250 && (y.get(t) ?? 0) > (y.get(n.id) ?? 0));
          const distinct = [...new Set(below)];
          const xs = distinct.map((t) => xOf(laid, t));
          expect(
            [...xs].sort((p, q) => p - q),
            `${file}: ${n.id}`,
          ).toEqual(xs);
        }
      }
    }
  });
});
