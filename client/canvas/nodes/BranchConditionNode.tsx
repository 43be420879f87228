import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** One port per case, plus `else`. */
export function BranchConditionNode({ id, data, selected }: NodeProps<JourneyFlowNode<'branch.condition'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
