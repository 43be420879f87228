import { Background, Controls, MarkerType, MiniMap, Panel, ReactFlow, type DefaultEdgeOptions, type FitViewOptions } from '@xyflow/react';
import { nodeKinds } from '../../shared/journey/registry';
import type { JourneyFlowNode } from '../mapping/flowTypes';
import { useEditorStore } from '../store/editorContext';
import { nodeTypes } from './nodeTypes';
import { FIT_PADDING, useInitialViewport } from './useInitialViewport';

const fitViewOptions: FitViewOptions = { padding: FIT_PADDING, maxZoom: 1 };
const defaultEdgeOptions: DefaultEdgeOptions = {
  markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: '#94a3b8' },
  labelBgPadding: [6, 3],
  labelBgBorderRadius: 4,
};
const groupColors: Record<string, string> = {
  Entry: '#16a34a',
  Wait: '#d97706',
  Logic: '#7c3aed',
  Messages: '#2563eb',
  Actions: '#475569',
};
const minimapColor = (n: JourneyFlowNode): string => groupColors[nodeKinds[n.data.kind].palette.group] ?? '#94a3b8';

/**
 * The journey drawn with React Flow from the editor store. Read-only for now:
 * nodes can be selected and inspected but not moved, wired or deleted.
 */
export function JourneyCanvas() {
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const readOnly = useEditorStore((s) => s.readOnly);

  return (
    <div className="canvas" aria-label="Journey canvas">
      <ReactFlow<JourneyFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        defaultEdgeOptions={defaultEdgeOptions}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={!readOnly}
        deleteKeyCode={readOnly ? null : 'Backspace'}
        elementsSelectable
        minZoom={0.2}
        maxZoom={1.5}
      >
        <Background gap={20} size={1.2} color="#d8dee8" />
        {nodes.length === 0 && (
          <Panel position="top-center" className="canvas__empty">
            This journey is empty. Every journey starts with an entry: a segment entry or an event entry.
          </Panel>
        )}
        {nodes.length > 0 && <MiniMap<JourneyFlowNode> pannable zoomable nodeColor={minimapColor} nodeBorderRadius={6} ariaLabel="Journey overview" />}
        <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
        <InitialViewport />
      </ReactFlow>
    </div>
  );
}

/** Lives inside <ReactFlow> so it sees the measured nodes and the pane size. */
function InitialViewport() {
  useInitialViewport();
  return null;
}
