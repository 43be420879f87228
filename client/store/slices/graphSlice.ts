import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import type { StateCreator } from 'zustand';
import type { JourneyGraph } from '../../../shared/journey/graph';
import { defaultConfig, kindDef, type NodeKind } from '../../../shared/journey/registry';
import { defaultSettings, type JourneySettings } from '../../../shared/journey/settings';
import type { JourneyFlowEdge, JourneyFlowNode } from '../../mapping/flowTypes';
import { edgeToFlow, nodeToFlow, toFlow } from '../../mapping/toFlow';
import { fromFlow, nodeFromFlow } from '../../mapping/fromFlow';
import { layoutNodes, needsLayout } from '../../mapping/layout';
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
  /** Why a connection is refused, or null when it may be made. */
  connectionProblem: (c: Connection) => string | null;
  /** Wire a port to a node; a port holds one edge, so an existing one from the same port is replaced. */
  connect: (c: Connection) => void;
  deleteSelection: () => void;
  /** Step back through the journey's history; a change like any other, so autosave saves it. */
  undo: () => void;
  redo: () => void;
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
    return next.label === e.label ? e : { ...e, label: next.label };
  });
}

export const createGraphSlice: StateCreator<EditorState, [['temporal', unknown]], [], GraphSlice> = (set, get, api) => {
  /** A change to the journey: new data plus a revision bump. */
  const edit = (patch: Partial<GraphSlice>) => set({ ...patch, revision: get().revision + 1 });
  const writable = () => !get().readOnly;
  /** zundo's history, attached to the store by the middleware that wraps these slices. */
  const history = () => (api as unknown as { temporal: { getState: () => { undo: () => void; redo: () => void; pastStates: unknown[]; futureStates: unknown[] } } }).temporal.getState();
  const travel = (step: 'undo' | 'redo') => {
    const h = history();
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
    connectionProblem(c) {
      if (!c.source || !c.target) return 'connect a port to a node';
      if (c.source === c.target) return 'a node cannot lead to itself';
      const target = get().nodes.find((n) => n.id === c.target);
      if (!target) return 'that node does not exist';
      if (kindDef(target.data.kind).role === 'entry') return 'an entry cannot be entered from another node';
      return null;
    },
    connect(c) {
      if (!writable() || get().connectionProblem(c) !== null) return;
      const port = c.sourceHandle ?? 'next';
      const source = get().nodes.find((n) => n.id === c.source);
      const edge = edgeToFlow({ id: edgeId(c.source, port, c.target), source: c.source, sourcePort: port, target: c.target }, source ? nodeFromFlow(source) : undefined);
      edit({ edges: [...get().edges.filter((e) => !(e.source === c.source && (e.sourceHandle ?? 'next') === port)), edge] });
    },
    undo: () => travel('undo'),
    redo: () => travel('redo'),
    deleteSelection() {
      if (!writable()) return;
      const gone = new Set(
        get()
          .nodes.filter((n) => n.selected)
          .map((n) => n.id),
      );
      const edges = get().edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
      if (gone.size === 0 && edges.length === get().edges.length) return;
      edit({ nodes: get().nodes.filter((n) => !gone.has(n.id)), edges });
    },
    updateConfig(nodeId, config) {
      if (!writable()) return;
      let changed: JourneyFlowNode | null = null;
      const nodes = get().nodes.map((n) => (n.id === nodeId ? (changed = { ...n, data: { ...n.data, config } } as JourneyFlowNode) : n));
      if (changed) edit({ nodes, edges: relabel(get().edges, changed) });
    },
    updateTitle(nodeId, title) {
      if (!writable()) return;
      const t = title.trim() ? title : undefined;
      edit({ nodes: get().nodes.map((n) => (n.id === nodeId ? ({ ...n, data: { ...n.data, title: t } } as JourneyFlowNode) : n)) });
    },
    updateSettings(settings) {
      if (writable()) edit({ settings });
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
