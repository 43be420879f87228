import { z } from 'zod';
import { nodeKindNames, nodeKinds, type NodeKind } from './registry';
import { JourneySettings } from './settings';
import { nestsDeeper } from '../util/cleanInput';

/** How deep a node's config may nest (arrays and objects): the deepest the library's blueprints use is 7. */
export const maxConfigDepth = 32;

const id = (what: string) =>
  z
    .string({ error: `${what} id is required` })
    .min(1, `${what} id is required`)
    .max(64, `${what} id is longer than 64 characters`)
    .regex(/^[A-Za-z0-9_.:-]+$/, `${what} id may hold only letters, digits and _ . : -`);

export const Position = z.object({ x: z.number(), y: z.number() });

/**
 * A node as drafts store it. The config is kept as it was typed so a draft
 * with mistakes can still be saved; `compile` checks it against the kind's schema.
 */
export const GraphNode = z.object({
  id: id('node'),
  kind: z.enum(nodeKindNames as [NodeKind, ...NodeKind[]], { error: (i) => `unknown node kind ${JSON.stringify(i.input)}` }),
  title: z.string().max(80).optional(),
  position: Position.default({ x: 0, y: 0 }),
  // kept as typed, checked against its kind only by `compile`: bounded here so a config nested 10,000 deep is a 400, not a stack overflow
  config: z
    .record(z.string(), z.unknown())
    .refine((c) => !nestsDeeper(c, maxConfigDepth), `config nests deeper than ${maxConfigDepth} levels`)
    .default({}),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const GraphEdge = z.object({
  id: id('edge'),
  source: id('source node'),
  sourcePort: z.string().min(1).max(64).default('next'),
  target: id('target node'),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

/** The storage and API format of a journey: what the canvas edits. */
export const JourneyGraph = z.object({
  nodes: z.array(GraphNode).max(2000, 'a journey holds at most 2000 nodes'),
  edges: z.array(GraphEdge).max(10000, 'a journey holds at most 10000 edges'),
  settings: JourneySettings.default(JourneySettings.parse({})),
});
export type JourneyGraph = z.infer<typeof JourneyGraph>;
export type JourneyGraphInput = z.input<typeof JourneyGraph>;

/** Display name of a node: its title, else its kind's palette label. */
export function nodeTitle(node: Pick<GraphNode, 'kind' | 'title'>): string {
  return node.title?.trim() || nodeKinds[node.kind].palette.label;
}
