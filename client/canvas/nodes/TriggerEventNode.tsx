import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Entry: enrols a contact when an event arrives. */
export function TriggerEventNode({ id, data, selected }: NodeProps<JourneyFlowNode<'trigger.event'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
