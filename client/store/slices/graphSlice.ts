import type { MessageRef } from '../../i18n/messageRef';
import { msg } from '../../i18n/messageIds';
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import type { StateCreator } from 'zustand';
import type { JourneyGraph } from '../../../shared/journey/graph';
import { defaultConfig, kindDef, type NodeKind } from '../../../shared/journey/registry';
import { defaultSettings, type JourneySettings } from '../../../shared/journey/settings';
import type { JourneyFlowEdge, JourneyFlowNode } from '../../mapping/flowTypes';
import { edgeToFlow, nodeAriaLabel, nodeToFlow, toFlow } from '../../mapping/toFlow';
import { fromFlow, nodeFromFlow } from '../../mapping/fromFlow';
import { layoutNodes, needsLayout } from '../../mapping/layout';
import { canBeEntered, firstFreePort, placeAfter } from '../../mapping/placement';
import { portLabel } from '../../mapping/ports';
import { changedLeaf } from '../history';
import type { EditorState } from '../createEditorStore';

/** Changes a read-only canvas (an archived journey) still accepts: measuring and selecting. */
const readOnlyChanges = new Set<NodeChange['type']>(['dimensions', 'select']);

/** What copy puts on the editor's clipboard: nodes and the edges between them. */
export interface Clipboard {
  nodes: JourneyFlowNode[];
  edges: JourneyFlowEdge[];
}

export interface GraphSlice {
  nodes: JourneyFlowNode[];
  edges: JourneyFlowEdge[];
  settings: JourneySettings;
  readOnly: boolean;
  clipboard: Clipboard | null;
  /** Bumped by every change to the journey itself (not selection or measuring): autosave and validation watch it. */
  revision: number;
  setReadOnly: (readOnly: boolean) => void;
  onNodesChange: (changes: NodeChange<JourneyFlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<JourneyFlowEdge>[]) => void;
  /** Add a node of `kind` with its default config at `position`; it becomes the selection. Returns its id. */
  addNode: (kind: NodeKind, position: XYPosition) => string | null;
  /**
   * Add a node from the palette without a drop point: after the selected node
   * (below it, wired from its first free port, in one undo step), else in
   * free space near `fallback`. It becomes the selection, so pressing on
   * kinds one after another builds a chain. Returns its id.
   */
  placeNode: (kind: NodeKind, fallback: XYPosition) => string | null;
  /** Why a connection is refused (an output port holds one edge), or null when it may be made. */
  /** why this connection is refused (worded when shown), or null */
  connectionProblem: (c: Connection) => MessageRef | null;
  /** Wire a port to a node, or refuse and say why in the notice. True when the edge is there. */
  connect: (c: Connection) => boolean;
  /** Remove the edge leaving a node's port, if any. */
  disconnect: (nodeId: string, port: string) => void;
  deleteSelection: () => void;
  /** Remove nodes (with every edge touching them) and edges as one change: one undo step. */
  removeElements: (nodeIds: readonly string[], edgeIds: readonly string[]) => void;
  /** Ends the field edit under way: the next keystroke starts a new undo step (the inspector calls it on blur). */
  endFieldEdit: () => void;
  /** Step back through the journey's history; a change like any other, so autosave saves it. */
  undo: () => void;
  redo: () => void;
  /** Keystrokes in one field (the same value changing) are one undo step until the field edit ends. */
  updateConfig: (nodeId: string, config: Record<string, unknown>) => void;
  updateTitle: (nodeId: string, title: string) => void;
  updateSettings: (settings: JourneySettings) => void;
  /** Lay every node out top to bottom (dagre), each node's ports leading left to right in their registry order. */
  autoLayout: () => void;
  selectNode: (id: string | null) => void;
  selectEdge: (id: string) => void;
  copySelection: () => number;
  /** Paste the clipboard with fresh ids, offset from the originals; the pasted nodes become the selection. */
  paste: () => number;
  toGraph: () => JourneyGraph;
}

/** The slice's data for a stored graph (laid out when its positions overlap). */
export function graphState(graph: JourneyGraph): Pick<GraphSlice, 'nodes' | 'edges' | 'settings'> {
  const flow = toFlow(graph);
  const nodes = needsLayout(graph.nodes) ? layoutNodes(flow.nodes, graph.edges) : flow.nodes;
  return { nodes, edges: flow.edges, settings: graph.settings };
}

/** A readable id not in use: `send_3`, `wait_duration_1`. */
export function freshNodeId(kind: NodeKind, taken: ReadonlySet<string>): string {
  const base = kind
    .replace(/\./g, '_')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

const edgeId = (source: string, port: string, target: string) => `${source}-${port}-${target}`;

/** Edge labels come from the source node's ports, so relabel a node's edges after its config changes. */
function relabel(edges: JourneyFlowEdge[], node: JourneyFlowNode): JourneyFlowEdge[] {
  const stored = nodeFromFlow(node);
  return edges.map((e) => {
    if (e.source !== node.id) return e;
    const next = edgeToFlow({ id: e.id, source: e.source, sourcePort: e.sourceHandle ?? 'next', target: e.target }, stored);
    if (next.label === e.label && next.labelKey === e.labelKey) return e;
    const { labelKey: _, ...rest } = e;
    return { ...rest, label: next.label, ...(next.labelKey ? { labelKey: next.labelKey } : {}) };
  });
}

/** Why a port cannot take another edge: it has one. */
function portTaken(s: Pick<GraphSlice, 'nodes' | 'edges'>, source: string, port: string, target: string): MessageRef | null {
  const existing = s.edges.find((e) => e.source === source && (e.sourceHandle ?? 'next') === port);
  if (!existing || existing.target === target) return null;
  const from = s.nodes.find((n) => n.id === source);
  const p = from ? portLabel(from.data.kind, from.data.config, port) : { label: port };
  // a fixed port ("timeout", the unlabeled "next") by its message id, worded when shown; a port the user named, as named
  const fixed = p.labelKey ?? (p.label === '' ? msg('port.next') : undefined);
  const named = fixed ? { messages: { port: fixed } } : { values: { port: p.label } };
  return { id: msg('connect.portTaken'), ...named, nodes: { from: source, to: existing.target } };
}

export const createGraphSlice: StateCreator<EditorState, [['temporal', unknown]], [], GraphSlice> = (set, get, api) => {
  /** zundo's history, attached to the store by the middleware that wraps these slices. */
  const history = () =>
    (
      api as unknown as { temporal: { getState: () => { undo: () => void; redo: () => void; pause: () => void; resume: () => void; pastStates: unknown[]; futureStates: unknown[] } } }
    ).temporal.getState();
  /** The field being typed in (`node:path`, `settings:path`): its keystrokes extend one undo step. */
  let fieldEdit: string | null = null;
  /** A change to the journey: new data plus a revision bump. It ends any field edit. */
  const edit = (patch: Partial<GraphSlice>) => {
    fieldEdit = null;
    set({ ...patch, revision: get().revision + 1 });
  };
  /**
   * A change to one field's value: the first keystroke records an undo step,
   * the next ones to the same field change the journey without another.
   */
  const editField = (key: string | null, patch: Partial<GraphSlice>) => {
    const extend = key !== null && key === fieldEdit;
    if (!extend) {
      edit(patch);
      fieldEdit = key;
      return;
    }
    const h = history();
    h.pause();
    try {
      set({ ...patch, revision: get().revision + 1 });
    } finally {
      h.resume();
    }
  };
  const writable = () => !get().readOnly;
  const travel = (step: 'undo' | 'redo') => {
    const h = history();
    fieldEdit = null;
    if (!writable() || (step === 'undo' ? h.pastStates : h.futureStates).length === 0) return;
    h[step]();
    // restoring a past graph changes the journey: autosave and validation must see it
    set({ revision: get().revision + 1 });
  };

  return {
    nodes: [],
    edges: [],
    settings: defaultSettings(),
    readOnly: false,
    clipboard: null,
    revision: 0,
    setReadOnly(readOnly) {
      set({ readOnly });
    },
    onNodesChange(changes) {
      const allowed = writable() ? changes : changes.filter((c) => readOnlyChanges.has(c.type));
      if (allowed.length === 0) return;
      const nodes = applyNodeChanges(allowed, get().nodes);
      // selecting and measuring are view state; moving, adding and removing change the journey
      const isEdit = allowed.some((c) => c.type === 'position' || c.type === 'remove' || c.type === 'add' || c.type === 'replace');
      if (!isEdit) return set({ nodes });
      const removed = new Set(allowed.filter((c) => c.type === 'remove').map((c) => c.id));
      edit({ nodes, edges: removed.size ? get().edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : get().edges });
    },
    onEdgesChange(changes) {
      const allowed = writable() ? changes : changes.filter((c) => c.type === 'select');
      if (allowed.length === 0) return;
      const edges = applyEdgeChanges(allowed, get().edges);
      if (allowed.some((c) => c.type !== 'select')) edit({ edges });
      else set({ edges });
    },
    addNode(kind, position) {
      if (!writable()) return null;
      const id = freshNodeId(kind, new Set(get().nodes.map((n) => n.id)));
      const node = { ...nodeToFlow({ id, kind, position, config: defaultConfig(kind) }), selected: true };
      edit({ nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)) });
      return id;
    },
    placeNode(kind, fallback) {
      if (!writable()) return null;
      const { nodes, edges } = get();
      const selected = nodes.filter((n) => n.selected);
      const parent = selected.length === 1 ? (selected[0] ?? null) : null;
      const port = parent && canBeEntered(kind) ? firstFreePort(parent, edges) : null;
      const id = freshNodeId(kind, new Set(nodes.map((n) => n.id)));
      const position = placeAfter(nodes, edges, parent, port, fallback);
      const node = { ...nodeToFlow({ id, kind, position, config: defaultConfig(kind) }), selected: true };
      const wire = parent && port ? [edgeToFlow({ id: edgeId(parent.id, port, id), source: parent.id, sourcePort: port, target: id }, nodeFromFlow(parent))] : [];
      // the node and its edge land together: one undo step takes both away
      edit({ nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges: [...edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...wire] });
      if (parent && !port) get().showNotice(canBeEntered(kind) ? { id: msg('canvas.noFreePort'), nodes: { node: parent.id } } : { id: msg('canvas.entryAlone') });
      return id;
    },
    connectionProblem(c) {
      if (!c.source || !c.target) return { id: msg('connect.needsBoth') };
      if (c.source === c.target) return { id: msg('connect.itself') };
      const target = get().nodes.find((n) => n.id === c.target);
      if (!target) return { id: msg('connect.noSuchNode') };
      if (kindDef(target.data.kind).role === 'entry') return { id: msg('connect.intoEntry') };
      return portTaken(get(), c.source, c.sourceHandle ?? 'next', c.target);
    },
    connect(c) {
      if (!writable()) return false;
      const problem = get().connectionProblem(c);
      if (problem !== null) {
        get().showNotice(problem);
        return false;
      }
      const port = c.sourceHandle ?? 'next';
      // the same wire again: nothing to do
      if (get().edges.some((e) => e.source === c.source && (e.sourceHandle ?? 'next') === port && e.target === c.target)) return true;
      const source = get().nodes.find((n) => n.id === c.source);
      const edge = edgeToFlow({ id: edgeId(c.source, port, c.target), source: c.source, sourcePort: port, target: c.target }, source ? nodeFromFlow(source) : undefined);
      edit({ edges: [...get().edges, edge] });
      return true;
    },
    disconnect(nodeId, port) {
      if (!writable()) return;
      const edges = get().edges.filter((e) => !(e.source === nodeId && (e.sourceHandle ?? 'next') === port));
      if (edges.length !== get().edges.length) edit({ edges });
    },
    undo: () => travel('undo'),
    redo: () => travel('redo'),
    deleteSelection() {
      const { nodes, edges } = get();
      get().removeElements(
        nodes.filter((n) => n.selected).map((n) => n.id),
        edges.filter((e) => e.selected).map((e) => e.id),
      );
    },
    removeElements(nodeIds, edgeIds) {
      if (!writable()) return;
      const gone = new Set(nodeIds);
      const cut = new Set(edgeIds);
      const edges = get().edges.filter((e) => !cut.has(e.id) && !gone.has(e.source) && !gone.has(e.target));
      const nodes = get().nodes.filter((n) => !gone.has(n.id));
      if (nodes.length === get().nodes.length && edges.length === get().edges.length) return;
      edit({ nodes, edges });
    },
    endFieldEdit() {
      fieldEdit = null;
    },
    updateConfig(nodeId, config) {
      if (!writable()) return;
      let changed: JourneyFlowNode | null = null;
      let before: unknown = undefined;
      const nodes = get().nodes.map((n) => {
        if (n.id !== nodeId) return n;
        before = n.data.config;
        return (changed = { ...n, data: { ...n.data, config } } as JourneyFlowNode);
      });
      if (!changed) return;
      const leaf = changedLeaf(before, config);
      editField(leaf === null ? null : `${nodeId}:config.${leaf}`, { nodes, edges: relabel(get().edges, changed) });
    },
    updateTitle(nodeId, title) {
      if (!writable()) return;
      const t = title.trim() ? title : undefined;
      const nodes = get().nodes.map((n) => (n.id === nodeId ? ({ ...n, ariaLabel: nodeAriaLabel(n.data.kind, t), data: { ...n.data, title: t } } as JourneyFlowNode) : n));
      editField(`${nodeId}:title`, { nodes });
    },
    updateSettings(settings) {
      if (!writable()) return;
      const leaf = changedLeaf(get().settings, settings);
      editField(leaf === null ? null : `settings:${leaf}`, { settings });
    },
    autoLayout() {
      if (!writable()) return;
      const { nodes, edges } = get();
      edit({ nodes: layoutNodes(nodes, edges) });
    },
    selectNode(id) {
      set({
        nodes: get().nodes.map((n) => (Boolean(n.selected) === (n.id === id) ? n : { ...n, selected: n.id === id })),
        edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      });
    },
    selectEdge(id) {
      set({
        nodes: get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
        edges: get().edges.map((e) => (Boolean(e.selected) === (e.id === id) ? e : { ...e, selected: e.id === id })),
      });
    },
    copySelection() {
      const nodes = get().nodes.filter((n) => n.selected);
      const ids = new Set(nodes.map((n) => n.id));
      set({ clipboard: nodes.length ? { nodes, edges: get().edges.filter((e) => ids.has(e.source) && ids.has(e.target)) } : get().clipboard });
      return nodes.length;
    },
    paste() {
      const clip = get().clipboard;
      if (!writable() || !clip) return 0;
      const taken = new Set(get().nodes.map((n) => n.id));
      const rename = new Map<string, string>();
      for (const n of clip.nodes) {
        const id = freshNodeId(n.data.kind, taken);
        taken.add(id);
        rename.set(n.id, id);
      }
      const nodes = clip.nodes.map((n) => ({ ...n, id: rename.get(n.id) ?? n.id, position: { x: n.position.x + 40, y: n.position.y + 40 }, selected: true, dragging: false }));
      const edges = clip.edges.map((e) => {
        const source = rename.get(e.source) ?? e.source;
        const target = rename.get(e.target) ?? e.target;
        return { ...e, id: edgeId(source, e.sourceHandle ?? 'next', target), source, target, selected: false };
      });
      // a second paste lands another step further
      set({ clipboard: { nodes: nodes.map((n) => ({ ...n, selected: false })), edges } });
      edit({ nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes], edges: [...get().edges, ...edges] });
      return nodes.length;
    },
    toGraph() {
      const { nodes, edges, settings } = get();
      return fromFlow({ nodes, edges }, settings);
    },
  };
};
