import type { Meta, StoryObj } from '@storybook/react-vite';
import { compile } from '../../shared/journey/compile';
import type { Located } from '../../shared/journey/errors';
import { kindDef, nodeKindNames, type NodeKind } from '../../shared/journey/registry';
import { aGraph } from '../../shared/fixtures/builders';
import { assertNever } from '../../shared/util/assertNever';
import type { NodeOverlay } from '../store/slices/overlaySlice';
import { EditorFixture, NodeCanvas } from './EditorFixture';
import { sampleNode, storyRefs } from './library';
import { storyNodeId } from './journeys';

/**
 * Stories for node kinds, generated from the registry: every kind in every
 * state (normal, selected, with errors, with overlay numbers). Storybook
 * indexes named exports statically, so each `<Kind>Node.stories.tsx` exports
 * the four states `nodeStories(kind)` builds; the `All kinds` stories iterate
 * the registry and show a new kind before anyone writes its file.
 */

export interface NodeStoryArgs {
  kind: NodeKind;
  /** the node's own title; empty shows the palette label */
  title?: string;
  config: Record<string, unknown>;
  selected: boolean;
  problems: Located[];
  overlay: NodeOverlay | null;
}

/**
 * What the live compiler says about the kind's sample dropped beside a
 * finished journey and not wired in: it cannot be reached (an entry: it is a
 * second entry), and each of its ports leads nowhere. Real messages, and a
 * node-level problem for every kind, not only those with ports.
 */
export function sampleProblems(kind: NodeKind): Located[] {
  const id = storyNodeId(kind);
  const { title, config } = sampleNode(kind);
  const entry = sampleNode('trigger.segment');
  const g = aGraph().node('first_entry', 'trigger.segment', entry.config, entry.title).node('done', 'exit', { reason: 'completed' }).then('first_entry', 'done');
  g.node(id, kind, config, title);
  const r = compile(g.build(), storyRefs);
  return r.ok ? [] : r.errors.filter((e) => e.nodeId === id);
}

/** Plausible numbers for a node of this role, on a 48k-contact recall run. */
export function sampleOverlay(kind: NodeKind): NodeOverlay {
  const def = kindDef(kind);
  switch (def.role) {
    case 'entry':
      return { entered: 48_210, waiting: 0, converted: 6_027, conversionRate: 0.125 };
    case 'wait':
      return { entered: 45_790, waiting: 9_418, converted: 5_104, conversionRate: 0.111 };
    case 'instant':
      return { entered: 45_790, waiting: 312, ...(def.sends ? { sent: 45_102 } : {}), converted: 3_617, conversionRate: 0.079 };
    case 'exit':
      return { entered: 30_115, waiting: 0, converted: 4_891, conversionRate: 0.162 };
    default:
      return assertNever(def.role, 'node role');
  }
}

/** One node of `kind` (its blueprint sample) on a small canvas inside its own editor store. */
export function NodeStory({ kind, title, config, selected, problems, overlay }: NodeStoryArgs) {
  const id = storyNodeId(kind);
  const graph = aGraph()
    .node(id, kind, config, title || undefined)
    .build();
  return (
    <EditorFixture graph={graph} problems={problems} selected={selected ? [id] : []} overlay={overlay ? { [id]: overlay } : null}>
      <NodeCanvas />
    </EditorFixture>
  );
}

type NodeMeta = Omit<Meta<typeof NodeStory>, 'title'>;
type NodeStoryObj = StoryObj<typeof NodeStory>;

/** Meta (without its title: Storybook needs a literal) and the four states of one kind. */
export function nodeStories(kind: NodeKind): { meta: NodeMeta; Normal: NodeStoryObj; Selected: NodeStoryObj; WithErrors: NodeStoryObj; WithOverlay: NodeStoryObj } {
  const { title, config } = sampleNode(kind);
  return {
    meta: {
      component: NodeStory,
      args: { kind, title: title ?? '', config, selected: false, problems: [], overlay: null },
      argTypes: { kind: { control: false } },
      parameters: { docs: { description: { component: kindDef(kind).palette.description } } },
    },
    Normal: {},
    Selected: { args: { selected: true } },
    WithErrors: { args: { problems: sampleProblems(kind) } },
    WithOverlay: { args: { overlay: sampleOverlay(kind) } },
  };
}

export type NodeState = 'normal' | 'selected' | 'errors' | 'overlay';

/** Every kind of the registry in one state, side by side on one canvas: a new kind shows up here by itself. */
export function AllKindsStory({ state }: { state: NodeState }) {
  const g = aGraph();
  const problems: Located[] = [];
  const overlay: Record<string, NodeOverlay> = {};
  nodeKindNames.forEach((kind) => {
    const id = storyNodeId(kind);
    const { title, config } = sampleNode(kind);
    g.node(id, kind, config, title);
    if (state === 'errors') problems.push(...sampleProblems(kind));
    if (state === 'overlay') overlay[id] = sampleOverlay(kind);
  });
  const graph = g.build();
  // five columns of two rows; the builder stacks nodes, so spread them out here
  graph.nodes = graph.nodes.map((n, i) => ({ ...n, position: { x: (i % 5) * 300, y: Math.floor(i / 5) * 240 } }));
  return (
    <EditorFixture graph={graph} problems={problems} selected={state === 'selected' ? graph.nodes.map((n) => n.id) : []} overlay={state === 'overlay' ? overlay : null}>
      <NodeCanvas height={620} />
    </EditorFixture>
  );
}
