import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Holds the run until a time window in the contact's zone. */
export function WaitUntilNode({ id, data, selected }: NodeProps<JourneyFlowNode<'wait.until'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
