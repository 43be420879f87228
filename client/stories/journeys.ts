import { compile } from '../../shared/journey/compile';
import type { Located } from '../../shared/journey/errors';
import type { JourneyGraph } from '../../shared/journey/graph';
import { kindDef, type NodeKind } from '../../shared/journey/registry';
import { aGraph } from '../../shared/fixtures/builders';
import { parseNodeConfig } from '../mapping/ports';
import { freshNodeId } from '../store/slices/graphSlice';
import type { NodeOverlay } from '../store/slices/overlaySlice';
import { BLUEPRINT_1, blueprint, sampleNode, storyRefs } from './library';

/** A story's node id for a kind: readable, as the canvas names a new node (`send_1`, `wait_duration_1`). */
export const storyNodeId = (kind: NodeKind): string => freshNodeId(kind, new Set());

/**
 * The smallest valid journey around one node of `kind`: an entry before it
 * (unless it is one) and an exit on each of its ports (unless it is one), so
 * the live compiler has nothing to say until a story's config does.
 */
export function journeyAround(kind: NodeKind, config: Record<string, unknown>, title?: string): JourneyGraph {
  const id = storyNodeId(kind);
  const role = kindDef(kind).role;
  const entry = sampleNode('trigger.segment');
  const g = aGraph();
  if (role !== 'entry') g.node('entry', 'trigger.segment', entry.config, entry.title);
  g.node(id, kind, config, title);
  if (role !== 'exit') g.node('done', 'exit', { reason: 'completed' }, 'Done');
  if (role !== 'entry') g.then('entry', id);
  const parsed = parseNodeConfig(kind, config);
  if (parsed.ok && role !== 'exit') for (const p of parsed.ports) g.then(id, 'done', p.id);
  return g.build();
}

/** What the live compiler says about `graph` against the library. */
export function problemsOf(graph: JourneyGraph): Located[] {
  const r = compile(graph, storyRefs);
  return r.ok ? [] : r.errors;
}

/** Blueprint 1's graph, as the journey page loads it. */
export const blueprint1 = (): JourneyGraph => blueprint(BLUEPRINT_1).graph;

/**
 * Blueprint 1 after a careless edit, and what the compiler says about it:
 * the SMS lost its template, the timeout port lost its edge, a stray edge
 * points at a deleted node, a new node hangs unconnected; plus a settings
 * mistake (which the real compiler reports on its own, before the graph).
 */
export function brokenBlueprint1(): { graph: JourneyGraph; problems: Located[] } {
  const g = blueprint1();
  const graph: JourneyGraph = {
    ...g,
    nodes: [
      ...g.nodes.map((n) => (n.id === 'sms_1' ? { ...n, config: { ...n.config, template: '' } } : n)),
      { id: 'set_trait_1', kind: 'action.setTrait', position: { x: 300, y: 450 }, config: { trait: 'recall_stage', value: 'sms_sent' } },
    ],
    edges: [...g.edges.filter((e) => e.id !== 'wait_login-timeout-call_1'), { id: 'call_1-next-agent_call', source: 'call_1', sourcePort: 'next', target: 'agent_call' }],
  };
  const settings = compile({ ...g, settings: { ...g.settings, goals: [{ event: 'app_login', filter: [], windowDays: 0 }] } });
  return { graph, problems: [...problemsOf(graph), ...(settings.ok ? [] : settings.errors)] };
}

/** Analytics for blueprint 1 after a month: a funnel from 48k enrolled down to the exits. */
export const blueprint1Overlay: Record<string, NodeOverlay> = {
  entry: { entered: 48_210, waiting: 0, converted: 6_940, conversionRate: 0.144 },
  holdout: { entered: 48_210, waiting: 0, converted: 6_940, conversionRate: 0.144 },
  sms_1: { entered: 45_800, waiting: 1_204, sent: 44_596, converted: 6_790, conversionRate: 0.148 },
  wait_login: { entered: 44_596, waiting: 8_915, converted: 6_512, conversionRate: 0.146 },
  exit_recalled: { entered: 5_930, waiting: 0, converted: 5_930, conversionRate: 1 },
  call_1: { entered: 29_751, waiting: 302, sent: 29_449, converted: 1_180, conversionRate: 0.04 },
  wait_2d: { entered: 29_449, waiting: 6_020, converted: 640, conversionRate: 0.022 },
  exit_done: { entered: 23_429, waiting: 0, converted: 582, conversionRate: 0.025 },
};

/** Contacts who took each edge of blueprint 1, matching the overlay. */
export const blueprint1EdgeCounts: Record<string, number> = {
  'entry-next-holdout': 48_210,
  'holdout-send-sms_1': 45_800,
  'sms_1-next-wait_login': 44_596,
  'wait_login-event-exit_recalled': 5_930,
  'wait_login-timeout-call_1': 29_751,
  'call_1-next-wait_2d': 29_449,
  'wait_2d-next-exit_done': 23_429,
};
