import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Holds the run for a fixed time. */
export function WaitDurationNode({ id, data, selected }: NodeProps<JourneyFlowNode<'wait.duration'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
