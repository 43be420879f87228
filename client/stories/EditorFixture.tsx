import { useLayoutEffect, type ReactNode } from 'react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { Located } from '../../shared/journey/errors';
import { EditorStoreProvider, useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { useLiveValidation } from '../store/useLiveValidation';
import type { NodeOverlay } from '../store/slices/overlaySlice';
import type { JourneyFlowEdge, JourneyFlowNode } from '../mapping/flowTypes';
import { nodeTypes } from '../canvas/nodeTypes';
import { storyRefs } from './library';

export interface EditorFixtureProps {
  graph: JourneyGraph;
  /** compile problems to show; ignored when `validate` is on */
  problems?: Located[];
  readOnly?: boolean;
  /** node ids to select once the store exists */
  selected?: string[];
  overlay?: Record<string, NodeOverlay> | null;
  edgeCounts?: Record<string, number> | null;
  /** a canvas notice to show (a refused wire, a node placed unconnected) */
  notice?: string;
  /** the node whose keyboard Connect dialog is open */
  connecting?: string;
  /** run the shared compiler live against the library, as the journey page does */
  validate?: boolean;
  children: ReactNode;
}

/**
 * One editor store around a story, seeded the way the journey page seeds it:
 * the graph and its problems at creation, then selection and the analytics
 * overlay (view state the store's `initial` does not take). Keyed by its
 * props, so changing a story's controls builds a fresh store.
 */
export function EditorFixture({ children, ...props }: EditorFixtureProps) {
  const { graph, problems, readOnly, validate } = props;
  return (
    <EditorStoreProvider key={JSON.stringify(props)} initial={{ graph, problems: validate ? [] : (problems ?? []), readOnly: readOnly ?? false }}>
      <Seed selected={props.selected} overlay={props.overlay} edgeCounts={props.edgeCounts} notice={props.notice} connecting={props.connecting} />
      {validate && <LiveValidation />}
      <ReactFlowProvider>{children}</ReactFlowProvider>
    </EditorStoreProvider>
  );
}

function Seed({ selected, overlay, edgeCounts, notice, connecting }: Pick<EditorFixtureProps, 'selected' | 'overlay' | 'edgeCounts' | 'notice' | 'connecting'>) {
  const store = useEditorStoreApi();
  // before paint, so the first frame (and a screenshot) already shows them
  useLayoutEffect(() => {
    const ids = new Set(selected ?? []);
    if (ids.size) store.setState((s) => ({ nodes: s.nodes.map((n) => (ids.has(n.id) ? { ...n, selected: true } : n)) }));
    if (overlay) store.getState().setOverlay(overlay, edgeCounts ?? null);
    if (notice) store.getState().showNotice(notice);
    if (connecting) store.getState().openConnect(connecting);
  }, [store, selected, overlay, edgeCounts, notice, connecting]);
  return null;
}

function LiveValidation() {
  useLiveValidation(useEditorStoreApi(), storyRefs);
  return null;
}

/**
 * A bare React Flow canvas over the editor store, for node stories: the real
 * node components, selection and wiring, without the page's toolbar, minimap
 * or drop target.
 */
export function NodeCanvas({ height = 260 }: { height?: number }) {
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const connect = useEditorStore((s) => s.connect);
  return (
    <div style={{ height, background: '#f8fafc' }}>
      <ReactFlow<JourneyFlowNode, JourneyFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        fitView
        fitViewOptions={{ padding: 0.25, maxZoom: 1.25 }}
        proOptions={{ hideAttribution: true }}
        zoomOnScroll={false}
        preventScrolling={false}
      />
    </div>
  );
}
