import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Entry: enrols a segment on a schedule. */
export function TriggerSegmentNode({ id, data, selected }: NodeProps<JourneyFlowNode<'trigger.segment'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
