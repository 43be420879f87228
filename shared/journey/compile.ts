import type { z } from 'zod';
import { JourneyGraph, nodeTitle, type GraphNode } from './graph';
import { kindDef, nodeKinds } from './registry';
import type { CompileRefs, Port } from './kind';
import type { CompiledJourney, MachineNode } from './machine';
import { fieldPath, type Located } from './errors';
import { closingEdge, distanceFrom, isCycle, messageBound, reachableFrom, stronglyConnected, walkBounds } from './analysis';
import { channelLabels, type Channel } from './channels';
import { err, ok, type Result } from '../util/result';

interface CheckedNode {
  node: GraphNode;
  /** null when the config failed its schema: its ports are unknown, so port checks skip it */
  config: Record<string, unknown> | null;
  ports: Port[] | null;
}

function zodErrors(error: z.ZodError, at: (path: readonly PropertyKey[], message: string) => Located): Located[] {
  return error.issues.map((i) => at(i.path, i.message));
}

/** Parse each node's config with its kind's schema and run the kind's compile rule. */
function checkNodes(nodes: readonly GraphNode[], refs: CompileRefs, errors: Located[]): Map<string, CheckedNode> {
  const out = new Map<string, CheckedNode>();
  for (const node of nodes) {
    if (out.has(node.id)) {
      errors.push({ code: 'duplicate_node_id', nodeId: node.id, message: `Two nodes share the id "${node.id}".`, params: { id: node.id } });
      continue;
    }
    const def = kindDef(node.kind);
    const parsed = def.schema.safeParse(node.config);
    if (!parsed.success) {
      errors.push(
        ...zodErrors(parsed.error, (path, message) => ({
          code: 'invalid_config',
          nodeId: node.id,
          field: fieldPath('config', path),
          message: `${nodeTitle(node)}: ${fieldPath('', path) || 'config'} ${message}`,
          detail: message,
          params: { node: nodeTitle(node), field: fieldPath('', path) || 'config', detail: message },
        })),
      );
      out.set(node.id, { node, config: null, ports: null });
      continue;
    }
    const config = parsed.data as Record<string, unknown>;
    for (const issue of def.check?.(config, refs) ?? [])
      errors.push({
        code: issue.code,
        nodeId: node.id,
        field: fieldPath('config', [issue.field]),
        message: `${nodeTitle(node)}: ${issue.message}`,
        detail: issue.message,
        params: { node: nodeTitle(node), field: issue.field, detail: issue.message, ...issue.params },
      });
    out.set(node.id, { node, config, ports: def.ports(config) });
  }
  return out;
}

/**
 * Validate a journey graph and compile it to the machine the runner executes.
 * Pure and deterministic: the same graph (and refs) gives the same output.
 * Every error names where it is (node, edge, field) so the canvas can badge it.
 */
export function compile(input: unknown, refs: CompileRefs = {}): Result<CompiledJourney, Located> {
  const parsed = JourneyGraph.safeParse(input);
  if (!parsed.success)
    return err(
      zodErrors(parsed.error, (path, message) => ({
        code: path[0] === 'settings' ? 'invalid_settings' : 'invalid_graph',
        field: fieldPath('', path),
        message: `${fieldPath('', path) || 'graph'}: ${message}`,
        detail: message,
        params: { field: fieldPath('', path) || 'graph', detail: message },
      })),
    );
  const graph = parsed.data;
  const errors: Located[] = [];
  const nodes = checkNodes(graph.nodes, refs, errors);

  const entries = graph.nodes.filter((n) => nodeKinds[n.kind].role === 'entry');
  if (entries.length === 0) errors.push({ code: 'no_entry', message: 'Add an entry: a segment entry or an event entry.' });
  if (entries.length > 1)
    for (const n of entries.slice(1))
      errors.push({ code: 'multiple_entries', nodeId: n.id, message: `A journey has one entry; remove "${nodeTitle(n)}" or the other entry.`, params: { node: nodeTitle(n) } });
  const entry = entries[0];

  // edges: each lands on real nodes and a real port, each port at most once
  const next = new Map<string, Record<string, string>>();
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (edgeIds.has(e.id)) errors.push({ code: 'duplicate_edge_id', edgeId: e.id, message: `Two edges share the id "${e.id}".`, params: { id: e.id } });
    edgeIds.add(e.id);
    const from = nodes.get(e.source);
    const to = nodes.get(e.target);
    if (!from || !to) {
      errors.push({
        code: 'dangling_edge',
        edgeId: e.id,
        message: `Edge "${e.id}" points at a node that does not exist ("${from ? e.target : e.source}").`,
        params: { id: e.id, missing: from ? e.target : e.source },
      });
      continue;
    }
    if (nodeKinds[to.node.kind].role === 'entry')
      errors.push({ code: 'edge_into_entry', edgeId: e.id, nodeId: to.node.id, message: `Nothing can lead into the entry "${nodeTitle(to.node)}".`, params: { node: nodeTitle(to.node) } });
    if (from.ports && !from.ports.some((p) => p.id === e.sourcePort)) {
      errors.push({
        code: 'unknown_port',
        edgeId: e.id,
        nodeId: from.node.id,
        message: `"${nodeTitle(from.node)}" has no port "${e.sourcePort}".`,
        params: { node: nodeTitle(from.node), port: e.sourcePort },
      });
      continue;
    }
    const wired = next.get(e.source) ?? {};
    if (wired[e.sourcePort] !== undefined)
      errors.push({
        code: 'port_wired_twice',
        edgeId: e.id,
        nodeId: e.source,
        message: `Port "${e.sourcePort}" of "${nodeTitle(from.node)}" is connected twice.`,
        params: { node: nodeTitle(from.node), port: e.sourcePort },
      });
    else wired[e.sourcePort] = e.target;
    next.set(e.source, wired);
  }

  // an optional port may stay unwired: its node then does without it (a send node that routes no failures)
  for (const { node, ports } of nodes.values())
    for (const p of ports ?? [])
      if (!p.optional && next.get(node.id)?.[p.id] === undefined)
        errors.push({
          code: 'unwired_port',
          nodeId: node.id,
          field: `ports.${p.id}`,
          message: p.label
            ? `The "${p.label}" port of "${nodeTitle(node)}" is not connected. Connect it, or end it with an Exit.`
            : `"${nodeTitle(node)}" leads nowhere. Connect it, or end it with an Exit.`,
          // a fixed port's message id too (`port.timeout`), so a client words the port in its own language
          params: { node: nodeTitle(node), port: p.label, ...(p.labelKey ? { portKey: p.labelKey } : {}) },
        });

  const ids = [...nodes.keys()].sort();
  const adj = new Map(
    ids.map((id) => [
      id,
      Object.keys(next.get(id) ?? {})
        .sort()
        .map((p) => (next.get(id) as Record<string, string>)[p] as string),
    ]),
  );
  if (entry) {
    const reached = reachableFrom(entry.id, adj);
    for (const id of ids)
      if (!reached.has(id))
        errors.push({
          code: 'unreachable_node',
          nodeId: id,
          message: `"${nodeTitle((nodes.get(id) as CheckedNode).node)}" can never be reached from the entry.`,
          params: { node: nodeTitle((nodes.get(id) as CheckedNode).node) },
        });
  }
  for (const comp of stronglyConnected(ids, adj)) {
    if (!isCycle(comp, adj) || comp.some((id) => nodeKinds[(nodes.get(id) as CheckedNode).node.kind].role === 'wait')) continue;
    const names = comp.map((id) => `"${nodeTitle((nodes.get(id) as CheckedNode).node)}"`).join(' → ');
    for (const id of comp)
      errors.push({ code: 'cycle_without_wait', nodeId: id, message: `The loop ${names} has no wait: a contact would go round it forever. Add a wait to the loop.`, params: { loop: names } });
  }

  // a loop that can send must pass a node with a loop limit: every published journey has a finite message bound
  const limitOf = (id: string): number | null => {
    const c = nodes.get(id);
    return c?.config ? (kindDef(c.node.kind).maxVisits?.(c.config) ?? null) : null;
  };
  const channelOf = (id: string): Channel | null => {
    const c = nodes.get(id);
    return c?.config ? (kindDef(c.node.kind).sends?.(c.config)?.channel ?? null) : null;
  };
  // (a loop without a wait is already refused as such: not twice)
  if (entry && !errors.some((e) => e.code === 'cycle_without_wait')) errors.push(...unboundedLoops(graph.edges, entry.id, ids, adj, nodes, channelOf, limitOf));

  if (errors.length > 0 || !entry) return err(errors);

  const machineNodes: Record<string, MachineNode> = {};
  for (const id of ids) {
    const { node, config, ports } = nodes.get(id) as CheckedNode;
    // keys in port order, not edge order, so a reordered edge list stores byte-identical JSON
    const wired = next.get(id) ?? {};
    const ordered: Record<string, string> = {};
    for (const p of ports ?? []) {
      const target = wired[p.id];
      if (target !== undefined) ordered[p.id] = target;
    }
    machineNodes[id] = { id, kind: node.kind, title: nodeTitle(node), config: config as Record<string, unknown>, next: ordered };
  }
  const awaited = new Set<string>();
  for (const n of Object.values(machineNodes)) if (n.kind === 'wait.event') awaited.add(String(n.config.event));
  const historyEvents: Record<string, number> = {};
  for (const n of Object.values(machineNodes)) for (const [event, days] of Object.entries(kindDef(n.kind).history?.(n.config) ?? {})) historyEvents[event] = Math.max(historyEvents[event] ?? 0, days);
  const entryNode = machineNodes[entry.id] as MachineNode;
  return ok({
    format: 1,
    entry: entry.id,
    nodes: machineNodes,
    settings: graph.settings,
    maxMessages: messageBound(entry.id, ids, adj, channelOf, limitOf),
    awaitedEvents: [...awaited].sort(),
    historyEvents: Object.fromEntries(Object.entries(historyEvents).sort(([a], [b]) => a.localeCompare(b))),
    triggerEvent: entryNode.kind === 'trigger.event' ? String(entryNode.config.event) : null,
  });
}

/**
 * One error per loop that can send with no limit on any of its nodes,
 * located on the edge that closes it (seen from the entry), with the loop's
 * nodes and channels as params.
 */
function unboundedLoops(
  edges: readonly { id: string; source: string; sourcePort: string; target: string }[],
  entry: string,
  ids: readonly string[],
  adj: ReadonlyMap<string, readonly string[]>,
  nodes: ReadonlyMap<string, CheckedNode>,
  channelOf: (id: string) => Channel | null,
  limitOf: (id: string) => number | null,
): Located[] {
  const loops: string[][] = [];
  walkBounds(ids, adj, (id) => (channelOf(id) ? 1 : 0), limitOf, loops);
  if (loops.length === 0) return [];
  const order = distanceFrom(entry, adj);
  const title = (id: string) => `"${nodeTitle((nodes.get(id) as CheckedNode).node)}"`;
  return loops.map((loop) => {
    const closing = closingEdge(loop, adj, order);
    // edges in port order of their source, so two edges between the same nodes pick the same one every time
    const edge = closing ? edges.filter((e) => e.source === closing[0] && e.target === closing[1]).sort((a, b) => a.sourcePort.localeCompare(b.sourcePort))[0] : undefined;
    const sent = [...new Set(loop.map(channelOf).filter((c): c is Channel => c !== null))].sort();
    const names = loop.map(title).join(' → ');
    return {
      code: 'unbounded_send_loop',
      ...(edge ? { edgeId: edge.id } : {}),
      message: `The loop ${names} sends ${sent.map((c) => channelLabels[c]).join(' and ')} with no limit: a contact could get it again and again. Set "Pass at most … times" on a wait in the loop, or end the loop.`,
      params: { nodes: loop, channels: sent, loop: names },
    } satisfies Located;
  });
}
