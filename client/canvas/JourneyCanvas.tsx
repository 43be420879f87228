import { refText } from '../i18n/messageRef';
import { useProblemText } from '../i18n/problemText';
import { useNodeName } from '../store/useNodeName';
import { useCallback, useMemo, useRef, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type AriaLabelConfig,
  type Connection,
  type DefaultEdgeOptions,
  type IsValidConnection,
  type NodeChange,
  type OnBeforeDelete,
  type OnConnectEnd,
} from '@xyflow/react';
import { X } from 'lucide-react';
import { useT, type Translate } from '../i18n/useT';
import { isNodeKind, nodeKinds } from '../../shared/journey/registry';
import type { JourneyFlowEdge, JourneyFlowNode } from '../mapping/flowTypes';
import { NODE_HALF_WIDTH } from '../mapping/layout';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { historyOptions, sameGraph, type HistoryState } from '../store/history';
import { edgeLabel } from '../analytics/edgeLabel';
import { edgeInLanguage, nodesInLanguage } from './nodeAria';
import { KIND_MIME } from '../panels/Palette';
import { nodeTypes } from './nodeTypes';
import { edgeTypes } from './PortEdge';
import { useInitialViewport } from './useInitialViewport';
import { Toolbar } from './Toolbar';
import { ConnectDialog } from './ConnectDialog';
import { spreadNodes, unspreadChanges } from './overlaySpread';
import type { EditorStore } from '../store/createEditorStore';

const defaultEdgeOptions: DefaultEdgeOptions = {
  markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: '#94a3b8' },
};
const groupColors: Record<string, string> = {
  Entry: '#16a34a',
  Wait: '#d97706',
  Logic: '#7c3aed',
  Messages: '#2563eb',
  Actions: '#475569',
};
const minimapColor = (n: JourneyFlowNode): string => groupColors[nodeKinds[n.data.kind].palette.group] ?? '#94a3b8';
const deleteKeys = ['Backspace', 'Delete'];
/** What a screen reader says on a focused node or edge (how to act on it from the keyboard), and React Flow's own controls' names. */
const ariaLabelConfig = (t: Translate): Partial<AriaLabelConfig> => ({
  'node.a11yDescription.default': t('canvas.a11y.node'),
  'node.a11yDescription.keyboardDisabled': t('canvas.a11y.nodeKeyboard'),
  'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }) => t('canvas.a11y.moved', { direction, x, y }),
  'edge.a11yDescription.default': t('canvas.a11y.edge'),
  'controls.ariaLabel': t('canvas.controls'),
  'controls.zoomIn.ariaLabel': t('canvas.zoomIn'),
  'controls.zoomOut.ariaLabel': t('canvas.zoomOut'),
  'controls.fitView.ariaLabel': t('canvas.fitView'),
  'controls.interactive.ariaLabel': t('canvas.interactive'),
  'minimap.ariaLabel': t('canvas.minimap'),
  'handle.ariaLabel': t('canvas.handle'),
});

/**
 * React Flow deletes the edges of a deletion, then its nodes, as two changes
 * (two undo steps: undo brought a node back without its edges). The store
 * removes both as one change instead; React Flow's own removal is cancelled.
 */
export function deleteInOneStep(store: EditorStore): OnBeforeDelete<JourneyFlowNode, JourneyFlowEdge> {
  return ({ nodes, edges }) => {
    store.getState().removeElements(
      nodes.map((n) => n.id),
      edges.map((e) => e.id),
    );
    return Promise.resolve(false);
  };
}

/**
 * A drag released on a handle React Flow judged invalid: the store says why
 * (an output port already wired, an entry as target) in the canvas notice,
 * instead of the wire vanishing without a word. Only a source-to-target pair
 * is a connection attempt; a drop on the wrong kind of handle is ignored.
 */
export function explainRefusal(store: EditorStore): OnConnectEnd {
  return (_event, state) => {
    if (state.isValid !== false || !state.fromHandle || !state.toHandle || state.fromHandle.type === state.toHandle.type) return;
    const [from, to] = state.fromHandle.type === 'source' ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
    store.getState().connect({ source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null });
  };
}

/**
 * The journey drawn and edited with React Flow, from the editor store: drop
 * kinds from the palette, wire ports, move, select, delete. A drag is one
 * undo step, not one per frame.
 */
export function JourneyCanvas() {
  const t = useT();
  const a11y = useMemo(() => ariaLabelConfig(t), [t]);
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const nodeName = useNodeName();
  const problemText = useProblemText(nodeName);
  const problemsByEdge = useEditorStore((s) => s.problemsByEdge);
  const edgeCounts = useEditorStore((s) => s.edgeCounts);
  const overlay = useEditorStore((s) => s.overlay);
  const readOnly = useEditorStore((s) => s.readOnly);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const connect = useEditorStore((s) => s.connect);
  const connectionProblem = useEditorStore((s) => s.connectionProblem);
  const addNode = useEditorStore((s) => s.addNode);
  const store = useEditorStoreApi();
  const { screenToFlowPosition } = useReactFlow();
  const beforeDrag = useRef<HistoryState | null>(null);
  const onBeforeDelete = useMemo(() => deleteInOneStep(store), [store]);
  const onConnectEnd = useMemo(() => explainRefusal(store), [store]);

  // an edge the compiler complains about is drawn as such, with its reason on hover;
  // with the overlay on, each edge also says how many contacts took it, and what share of the source's entrants
  const shownEdges = useMemo(
    () =>
      edges.map((e) => {
        let out = edgeInLanguage(e, t, nodeName);
        if (problemsByEdge[e.id]) out = { ...out, className: 'je--error', ariaLabel: problemsByEdge[e.id]?.map((p) => problemText(p)).join(' ') };
        const n = edgeCounts?.[e.id];
        if (n !== undefined)
          out = { ...out, label: edgeLabel(typeof out.label === 'string' ? out.label : undefined, n, overlay?.[e.source]?.entered), className: `${out.className ?? ''} je--counted`.trim() };
        return out;
      }),
    // `nodeName` changes when a node is renamed: its edges' names change with it
    [edges, problemsByEdge, edgeCounts, overlay, t, nodeName, problemText],
  );

  // with the numbers showing, nodes are spread apart for display so no strip covers the node below (overlaySpread.ts)
  const spread = overlay !== null;
  const top = useMemo(() => (nodes.length ? Math.min(...nodes.map((n) => n.position.y)) : 0), [nodes]);
  // each node's accessible name in the reader's language, worded once per node object and language
  // eslint-disable-next-line react-hooks/exhaustive-deps -- one cache per language: what it holds was worded with `t`
  const named = useMemo(() => new WeakMap<JourneyFlowNode, JourneyFlowNode>(), [t]);
  const shownNodes = useMemo(() => spreadNodes(nodesInLanguage(nodes, t, named), spread, top), [nodes, t, named, spread, top]);
  const onShownNodesChange = useCallback((changes: NodeChange<JourneyFlowNode>[]) => onNodesChange(unspreadChanges(changes, spread, top)), [onNodesChange, spread, top]);

  const isValidConnection: IsValidConnection = useCallback(
    (c) => connectionProblem({ source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null }) === null,
    [connectionProblem],
  );
  const onConnect = useCallback((c: Connection) => connect(c), [connect]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(KIND_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(KIND_MIME);
      if (!isNodeKind(kind)) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // the pointer holds the node by its top centre, as it was dragged
      addNode(kind, { x: Math.round(p.x - NODE_HALF_WIDTH), y: Math.round(p.y - 20) });
    },
    [addNode, screenToFlowPosition],
  );

  const onNodeDragStart = useCallback(() => {
    const partialize = historyOptions.partialize;
    if (!partialize) return;
    beforeDrag.current = partialize(store.getState());
    store.temporal.getState().pause();
  }, [store]);
  const onNodeDragStop = useCallback(() => {
    const t = store.temporal.getState();
    t.resume();
    const before = beforeDrag.current;
    beforeDrag.current = null;
    const partialize = historyOptions.partialize;
    if (!before || !partialize || sameGraph(before, partialize(store.getState()))) return;
    store.temporal.setState({ pastStates: [...t.pastStates, before].slice(-(historyOptions.limit ?? 200)), futureStates: [] });
  }, [store]);

  return (
    <div className="canvas" aria-label={t('canvas.label')} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<JourneyFlowNode, JourneyFlowEdge>
        nodes={shownNodes}
        edges={shownEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onShownNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onBeforeDelete={onBeforeDelete}
        ariaLabelConfig={a11y}
        isValidConnection={isValidConnection}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        defaultEdgeOptions={defaultEdgeOptions}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : deleteKeys}
        elementsSelectable
        minZoom={0.1}
        maxZoom={1.5}
      >
        <Background gap={20} size={1.2} color="#d8dee8" />
        {nodes.length === 0 && (
          <Panel position="top-center" className="canvas__empty">
            This journey is empty. Drag an entry from the palette (Segment entry or Event entry) to start.
          </Panel>
        )}
        {nodes.length > 0 && <MiniMap<JourneyFlowNode> pannable zoomable nodeColor={minimapColor} nodeBorderRadius={6} ariaLabel={t('canvas.minimap')} />}
        <Controls showInteractive={false} showFitView={false} />
        <Toolbar />
        <CanvasNotice />
        <InitialViewport />
      </ReactFlow>
      <ConnectDialog />
    </div>
  );
}

/** The last refusal or news from the canvas (a port already wired, a node placed unconnected), until dismissed. */
function CanvasNotice() {
  const notice = useEditorStore((s) => s.notice);
  const dismiss = useEditorStore((s) => s.dismissNotice);
  const t = useT();
  const nodeName = useNodeName();
  return (
    <Panel position="bottom-center" className="canvas__noticebox">
      {/* the live region stays mounted, so a screen reader hears each new message */}
      <div role={notice?.tone === 'done' ? 'status' : 'alert'} className={notice ? `canvas__notice canvas__notice--${notice.tone}` : undefined}>
        {notice && (
          <>
            <span key={notice.seq}>{refText(t, notice.message, nodeName)}</span>
            <button type="button" className="iconbtn" aria-label={t('common.dismiss')} onClick={dismiss}>
              <X size={14} aria-hidden />
            </button>
          </>
        )}
      </div>
    </Panel>
  );
}

/** Lives inside <ReactFlow> so it sees the measured nodes and the pane size. */
function InitialViewport() {
  useInitialViewport();
  return null;
}
