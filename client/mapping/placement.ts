import type { XYPosition } from '@xyflow/react';
import { kindDef } from '../../shared/journey/registry';
import type { JourneyFlowEdge, JourneyFlowNode } from './flowTypes';
import { parseNodeConfig } from './ports';
import { NODE_HALF_WIDTH, NODE_HEIGHT, NODE_WIDTH } from './layout';

/** Space kept between a placed node and its neighbours. */
const GAP = 40;
/** How far below its parent a node placed under it lands (the rank gap of the auto-layout). */
const BELOW = 90;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const boxOf = (n: Pick<JourneyFlowNode, 'position' | 'measured'>): Box => ({ x: n.position.x, y: n.position.y, width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? NODE_HEIGHT });

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;

/**
 * The first spot at or after `desired` where a new node overlaps nothing:
 * the spot itself, else further down row by row, trying a column to each
 * side before the next row. Deterministic, so a test can say where.
 */
export function freeSpot(nodes: readonly Pick<JourneyFlowNode, 'position' | 'measured'>[], desired: XYPosition): XYPosition {
  const boxes = nodes.map(boxOf);
  const stepX = NODE_WIDTH + GAP;
  const stepY = NODE_HEIGHT + GAP;
  for (let row = 0; row < 200; row++)
    for (const col of [0, 1, -1, 2, -2]) {
      const at = { x: Math.round(desired.x + col * stepX), y: Math.round(desired.y + row * stepY) };
      const box = { ...at, width: NODE_WIDTH, height: NODE_HEIGHT };
      if (!boxes.some((b) => overlaps(box, b))) return at;
    }
  return { x: Math.round(desired.x), y: Math.round(desired.y) };
}

/** A node's output ports in the registry's order, each with whether an edge already leaves it. */
export function portsOf(node: JourneyFlowNode, edges: readonly JourneyFlowEdge[]): { id: string; label: string; labelKey?: string; optional: boolean; target: string | null }[] {
  const parsed = parseNodeConfig(node.data.kind, node.data.config);
  if (!parsed.ok) return [];
  return parsed.ports.map((p) => ({
    id: p.id,
    label: p.label,
    ...(p.labelKey ? { labelKey: p.labelKey } : {}),
    // a port the node works without (a send node's `failed`)
    optional: p.optional === true,
    target: edges.find((e) => e.source === node.id && (e.sourceHandle ?? 'next') === p.id)?.target ?? null,
  }));
}

/**
 * The port a node added after `node` is wired from: its first free port in
 * the registry's order, the ones it needs before optional ones (a send's
 * `next` before its `failed`); null when every port is taken.
 */
export function firstFreePort(node: JourneyFlowNode, edges: readonly JourneyFlowEdge[]): string | null {
  const free = portsOf(node, edges).filter((p) => p.target === null);
  return (free.find((p) => !p.optional) ?? free[0])?.id ?? null;
}

/**
 * Where a node added from the palette goes. After a selected node: below it,
 * in the column of the port it is wired from (ports sit left to right on
 * the node, so its branches fan out in that order), moved on to free space
 * if that spot is taken. With nothing selected: the free spot nearest
 * `fallback` (the view's centre).
 */
export function placeAfter(nodes: readonly JourneyFlowNode[], edges: readonly JourneyFlowEdge[], parent: JourneyFlowNode | null, port: string | null, fallback: XYPosition): XYPosition {
  if (!parent) return freeSpot(nodes, { x: fallback.x - NODE_HALF_WIDTH, y: fallback.y });
  const box = boxOf(parent);
  const ports = portsOf(parent, edges);
  const i = port === null ? -1 : ports.findIndex((p) => p.id === port);
  // several ports: each branch gets a column of its own, in port order, centred under the node
  const spread = ports.length > 1 && i >= 0 ? (i - (ports.length - 1) / 2) * (NODE_WIDTH + GAP) : 0;
  const x = box.x + box.width / 2 - NODE_HALF_WIDTH + spread;
  return freeSpot(nodes, { x, y: box.y + box.height + BELOW });
}

/** True when a node of this kind can be wired into (entries cannot). */
export const canBeEntered = (kind: JourneyFlowNode['data']['kind']): boolean => kindDef(kind).role !== 'entry';
