import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Waits for an event; its ports are `event` and `timeout`. */
export function WaitEventNode({ id, data, selected }: NodeProps<JourneyFlowNode<'wait.event'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
