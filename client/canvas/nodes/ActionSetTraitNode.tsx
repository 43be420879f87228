import type { NodeProps } from '@xyflow/react';
import type { JourneyFlowNode } from '../../mapping/flowTypes';
import { NodeShell } from '../NodeShell';

/** Writes a trait on the contact. */
export function ActionSetTraitNode({ id, data, selected }: NodeProps<JourneyFlowNode<'action.setTrait'>>) {
  return <NodeShell id={id} data={data} selected={selected} />;
}
