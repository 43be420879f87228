import type { GraphEdge, GraphNode, JourneyGraph } from './graph';
import { nodeTitle } from './graph';
import { kindDef, nodeKinds, type NodeKind } from './registry';
import { defaultSettings, type JourneySettings } from './settings';
import { assertNever } from '../util/assertNever';

/**
 * What changed between two graphs, as the version history and the publish
 * dialog show it. Pure: no I/O, same inputs → same list in the same order.
 *
 * Only what changes behaviour counts: node positions (canvas layout) and edge
 * ids (the canvas mints new ones when a wire is redrawn) never do. An edge is
 * the triple (source, sourcePort, target).
 */

export type SettingsKey = keyof JourneySettings;

/** Words for each settings key; `satisfies` makes a new key a type error here until it is named. */
export const settingsLabels = {
  entry: 'entry rules',
  reentry: 're-entry',
  exitCriteria: 'exit criteria',
  goals: 'goals',
  exclusionGroup: 'exclusion group',
  funnel: 'funnel steps',
  sleeping: 'sleeping contacts',
} as const satisfies Record<SettingsKey, string>;

const settingsKeys = Object.keys(settingsLabels) as SettingsKey[];

interface EdgeRef {
  source: string;
  sourcePort: string;
  target: string;
}

export type GraphChange =
  | { type: 'nodeAdded'; nodeId: string; kind: NodeKind; message: string }
  | { type: 'nodeRemoved'; nodeId: string; kind: NodeKind; message: string }
  /** same id, another kind: its config belongs to the old kind, so no field list */
  | { type: 'nodeKindChanged'; nodeId: string; from: NodeKind; to: NodeKind; message: string }
  /** `fields`: config keys that differ, plus `title` when it was renamed */
  | { type: 'nodeChanged'; nodeId: string; fields: string[]; message: string }
  | ({ type: 'edgeAdded'; message: string } & EdgeRef)
  | ({ type: 'edgeRemoved'; message: string } & EdgeRef)
  | { type: 'settingsChanged'; keys: SettingsKey[]; message: string };

export type GraphChangeType = GraphChange['type'];

/** Structural equality of JSON-like values; object key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // an absent key and an undefined one are the same (JSON drops both)
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!sameValue(ra[k], rb[k])) return false;
  return true;
}

/**
 * A node's config with its kind's defaults filled in, so a draft that spells
 * out a default and one that leaves it out are the same journey. A config the
 * schema refuses (drafts may hold mistakes) is compared as typed.
 */
function normalConfig(node: GraphNode): { config: Record<string, unknown>; valid: boolean } {
  const parsed = kindDef(node.kind).schema.safeParse(node.config);
  return parsed.success && typeof parsed.data === 'object' && parsed.data !== null ? { config: parsed.data as Record<string, unknown>, valid: true } : { config: node.config, valid: false };
}

function changedFields(before: GraphNode, after: GraphNode): string[] {
  const a = normalConfig(before);
  const b = normalConfig(after);
  // one side valid and the other not: defaults would show as changes, so compare both as typed
  const [ca, cb] = a.valid && b.valid ? [a.config, b.config] : [before.config, after.config];
  const keys = [...new Set([...Object.keys(ca), ...Object.keys(cb)])].sort();
  return keys.filter((k) => !sameValue(ca[k], cb[k]));
}

const kindLabel = (kind: NodeKind): string => nodeKinds[kind].palette.label;
const quoted = (node: Pick<GraphNode, 'kind' | 'title'>): string => `"${nodeTitle(node)}"`;

/** The port's label where the kind names it ("timeout", "Yes"), else its id; the default `next` port goes unnamed. */
function portWords(node: GraphNode | undefined, port: string): string {
  if (port === 'next') return '';
  let label = port;
  if (node) {
    const { config, valid } = normalConfig(node);
    if (valid) {
      try {
        label =
          kindDef(node.kind)
            .ports(config)
            .find((p) => p.id === port)?.label || port;
      } catch {
        // a kind's ports() on an odd config: the id is still a fine name
      }
    }
  }
  return ` (${label})`;
}

const edgeKey = (e: EdgeRef): string => `${e.source}\u0000${e.sourcePort}\u0000${e.target}`;

function edgeWords(e: EdgeRef, nodes: ReadonlyMap<string, GraphNode>): string {
  const from = nodes.get(e.source);
  const to = nodes.get(e.target);
  return `${from ? quoted(from) : `"${e.source}"`}${portWords(from, e.sourcePort)} → ${to ? quoted(to) : `"${e.target}"`}`;
}

function nodeChange(before: GraphNode, after: GraphNode): GraphChange | null {
  if (before.kind !== after.kind)
    return { type: 'nodeKindChanged', nodeId: after.id, from: before.kind, to: after.kind, message: `Changed ${quoted(after)} from ${kindLabel(before.kind)} to ${kindLabel(after.kind)}` };
  const renamed = nodeTitle(before) !== nodeTitle(after);
  const fields = changedFields(before, after);
  if (!renamed && fields.length === 0) return null;
  const message = fields.length === 0 ? `Renamed ${quoted(before)} to ${quoted(after)}` : `Changed ${quoted(after)}${renamed ? ` (was ${quoted(before)})` : ''}: ${fields.join(', ')}`;
  return { type: 'nodeChanged', nodeId: after.id, fields: renamed ? ['title', ...fields] : fields, message };
}

const uniqueEdges = (edges: readonly GraphEdge[]): Map<string, EdgeRef> => new Map(edges.map((e) => [edgeKey(e), { source: e.source, sourcePort: e.sourcePort, target: e.target }]));

/**
 * Every change from `before` to `after`, in reading order: nodes removed,
 * nodes added or changed (in the new graph's order), connections removed,
 * connections added, then settings. `before = null` (nothing published yet)
 * is read as an empty graph with default settings, so every node and wire is
 * "added" and only settings that differ from the defaults are reported.
 */
export function diffGraphs(before: JourneyGraph | null, after: JourneyGraph): GraphChange[] {
  const old = before ?? { nodes: [], edges: [], settings: defaultSettings() };
  const oldNodes = new Map(old.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(after.nodes.map((n) => [n.id, n]));
  const changes: GraphChange[] = [];

  for (const n of oldNodes.values()) if (!newNodes.has(n.id)) changes.push({ type: 'nodeRemoved', nodeId: n.id, kind: n.kind, message: `Removed ${quoted(n)} (${kindLabel(n.kind)})` });
  for (const n of newNodes.values()) {
    const was = oldNodes.get(n.id);
    if (!was) changes.push({ type: 'nodeAdded', nodeId: n.id, kind: n.kind, message: `Added ${quoted(n)} (${kindLabel(n.kind)})` });
    else {
      const c = nodeChange(was, n);
      if (c) changes.push(c);
    }
  }

  const oldEdges = uniqueEdges(old.edges);
  const newEdges = uniqueEdges(after.edges);
  for (const [k, e] of oldEdges) if (!newEdges.has(k)) changes.push({ type: 'edgeRemoved', ...e, message: `Disconnected ${edgeWords(e, oldNodes)}` });
  for (const [k, e] of newEdges) if (!oldEdges.has(k)) changes.push({ type: 'edgeAdded', ...e, message: `Connected ${edgeWords(e, newNodes)}` });

  const keys = settingsKeys.filter((k) => !sameValue(old.settings[k], after.settings[k]));
  if (keys.length) changes.push({ type: 'settingsChanged', keys, message: `Changed settings: ${keys.map((k) => settingsLabels[k]).join(', ')}` });
  return changes;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "2 nodes added, 1 removed" — the noun is said once per group. */
function group(noun: string, counts: [verb: string, n: number][]): string | null {
  const parts = counts.filter(([, n]) => n > 0);
  if (parts.length === 0) return null;
  return parts.map(([verb, n], i) => (i === 0 ? `${plural(n, noun)} ${verb}` : `${n} ${verb}`)).join(', ');
}

/** One line for a list of changes, e.g. "2 nodes added, 1 changed, 3 connections added, settings: goals"; "No changes" when empty. */
export function summarizeChanges(changes: readonly GraphChange[]): string {
  const n = { nodeAdded: 0, nodeRemoved: 0, nodeChanged: 0, edgeAdded: 0, edgeRemoved: 0 };
  const settings: SettingsKey[] = [];
  for (const c of changes) {
    switch (c.type) {
      case 'nodeAdded':
      case 'nodeRemoved':
      case 'nodeChanged':
      case 'edgeAdded':
      case 'edgeRemoved':
        n[c.type]++;
        break;
      case 'nodeKindChanged':
        n.nodeChanged++;
        break;
      case 'settingsChanged':
        for (const k of c.keys) if (!settings.includes(k)) settings.push(k);
        break;
      default:
        assertNever(c, 'graph change');
    }
  }
  const parts = [
    group('node', [
      ['added', n.nodeAdded],
      ['removed', n.nodeRemoved],
      ['changed', n.nodeChanged],
    ]),
    group('connection', [
      ['added', n.edgeAdded],
      ['removed', n.edgeRemoved],
    ]),
    settings.length ? `settings: ${settings.map((k) => settingsLabels[k]).join(', ')}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? parts.join(', ') : 'No changes';
}
