import { kindDef, type NodeKind } from './registry';

/**
 * Moving a live journey's in-flight contacts from an old version to the new
 * one, node to node. Pure: the mapping, its checks and what each mapped pair
 * does to a run are decided here; the run store applies them set-based.
 */

/** What a migration needs of a node on either side. */
export interface MigrationNode {
  id: string;
  kind: NodeKind;
  config: Record<string, unknown>;
}

/**
 * What a mapped pair does to the runs at the old node:
 * - keep: the same kind of wait on both sides; the run keeps its wake-up
 *   time (and waits for the new node's event, if it waits for one);
 * - restart: anything else; the run enters the new node afresh on the next
 *   tick (due at once, its visit bumped so message keys stay unique), and a
 *   message it had deferred at the old node is suppressed.
 */
export type MigrationMode = 'keep' | 'restart';

/** One old node's mapping as the run store applies it. */
export interface MigrationPair {
  from: string;
  to: string;
  mode: MigrationMode;
  /** the event the new node waits for (a `keep` into a wait for an event), else null */
  awaits: string | null;
  /** a `keep` into a node with another id: the run's path gains the new node, counted as entered, so path and counters agree */
  entersPath: boolean;
  /** the old node sends: a run leaving it afresh (`restart`) takes the message it had deferred there with it (suppressed) */
  leavesSend: boolean;
}

/** old node id → new node id, or null: its contacts stay on the old version. */
export type NodeMapping = Record<string, string | null>;

const awaitedEvent = (n: MigrationNode): string | null => (typeof n.config.event === 'string' ? n.config.event : null);

/**
 * The automatic mapping: an old node goes to the new node with its id; an
 * old node whose id is gone goes to the new node of its kind when that is
 * the only unclaimed one and the old node the only one of its kind without
 * an id match (one removed wait, one added wait of the same kind). Anything
 * else maps to null, for the operator to decide.
 */
export function autoMapping(oldNodes: readonly MigrationNode[], newNodes: readonly MigrationNode[]): NodeMapping {
  const newIds = new Set(newNodes.map((n) => n.id));
  const oldIds = new Set(oldNodes.map((n) => n.id));
  const out: NodeMapping = {};
  const orphans = oldNodes.filter((n) => !newIds.has(n.id));
  const fresh = newNodes.filter((n) => !oldIds.has(n.id));
  for (const n of oldNodes) {
    if (newIds.has(n.id)) {
      out[n.id] = n.id;
      continue;
    }
    const sameKindOld = orphans.filter((o) => o.kind === n.kind);
    const sameKindNew = fresh.filter((o) => o.kind === n.kind);
    out[n.id] = sameKindOld.length === 1 && sameKindNew.length === 1 ? (sameKindNew[0] as MigrationNode).id : null;
  }
  return out;
}

/** A mapping that names a node neither version has. */
export class MappingError extends Error {
  constructor(
    message: string,
    readonly field: 'from' | 'to',
    readonly nodeId: string,
    /** the old node the mapping named (for 'to': the node mapped to a missing one) */
    readonly from: string = nodeId,
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

/**
 * The automatic mapping with the operator's overrides on top, checked: every
 * key must be a node of the old version and every target a node of the new
 * one (throws `MappingError` naming the first that is not). Returns the pairs
 * the run store applies, in the old version's node order; unmapped nodes are absent.
 */
export function resolveMapping(oldNodes: readonly MigrationNode[], newNodes: readonly MigrationNode[], overrides: NodeMapping = {}): MigrationPair[] {
  const olds = new Map(oldNodes.map((n) => [n.id, n]));
  const news = new Map(newNodes.map((n) => [n.id, n]));
  for (const [from, to] of Object.entries(overrides)) {
    if (!olds.has(from)) throw new MappingError(`node "${from}" is not a node of the old version`, 'from', from);
    if (to !== null && !news.has(to)) throw new MappingError(`node "${to}" (mapped from "${from}") is not a node of the new version`, 'to', to, from);
  }
  const mapping = { ...autoMapping(oldNodes, newNodes), ...overrides };
  const pairs: MigrationPair[] = [];
  for (const o of oldNodes) {
    const to = mapping[o.id];
    const n = to == null ? undefined : news.get(to);
    if (!n) continue;
    pairs.push(pairOf(o, n));
  }
  return pairs;
}

/** What moving a run from `o` to `n` does: keep its timer at the same kind of wait, else enter `n` afresh. */
export function pairOf(o: MigrationNode, n: MigrationNode): MigrationPair {
  const keep = o.kind === n.kind && kindDef(n.kind).role === 'wait';
  const sends = kindDef(o.kind).sends !== undefined;
  return { from: o.id, to: n.id, mode: keep ? 'keep' : 'restart', awaits: keep ? awaitedEvent(n) : null, entersPath: keep && o.id !== n.id, leavesSend: sends };
}
