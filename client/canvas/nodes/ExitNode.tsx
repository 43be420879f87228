import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Ends the run; it has no output port. */
export function ExitNode({ id, data, selected }: NodeProps<JourneyFlowNode<'exit'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
