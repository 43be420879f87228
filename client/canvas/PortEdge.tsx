import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import type { JourneyFlowEdge } from '../mapping/flowTypes';

/**
 * An edge from a named port, drawn as React Flow's smooth step, with its
 * label (the port, and with the overlay on, how many took it) as an HTML
 * chip instead of SVG text: SVG labels are measured one by one with a forced
 * layout, which on a 200-node journey is a visible share of the first render.
 */
export const PortEdge = memo(function PortEdge(p: EdgeProps<JourneyFlowEdge>) {
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX: p.sourceX,
    sourceY: p.sourceY,
    sourcePosition: p.sourcePosition,
    targetX: p.targetX,
    targetY: p.targetY,
    targetPosition: p.targetPosition,
  });
  return (
    <>
      <BaseEdge id={p.id} path={path} {...(p.markerEnd ? { markerEnd: p.markerEnd } : {})} {...(p.interactionWidth !== undefined ? { interactionWidth: p.interactionWidth } : {})} />
      {p.label !== undefined && p.label !== null && p.label !== '' && (
        <EdgeLabelRenderer>
          <div className={`je__label${p.selected ? ' je__label--selected' : ''}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {p.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

/** Module scope, as React Flow asks. */
export const edgeTypes = { port: PortEdge };
