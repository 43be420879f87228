import { memo, type ComponentType } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { NodeKind } from '../../shared/journey/registry';
import type { JourneyFlowNode } from '../mapping/flowTypes';
import { TriggerSegmentNode } from './nodes/TriggerSegmentNode';
import { TriggerEventNode } from './nodes/TriggerEventNode';
import { WaitDurationNode } from './nodes/WaitDurationNode';
import { WaitUntilNode } from './nodes/WaitUntilNode';
import { WaitEventNode } from './nodes/WaitEventNode';
import { BranchConditionNode } from './nodes/BranchConditionNode';
import { SplitRandomNode } from './nodes/SplitRandomNode';
import { SendNode } from './nodes/SendNode';
import { ActionSetTraitNode } from './nodes/ActionSetTraitNode';
import { ExitNode } from './nodes/ExitNode';

/**
 * The kind components draw from id, data and selected only. React Flow hands
 * them new props (position, measured size, dragging) on every move of the
 * node; memo on those three keeps a drag frame from redrawing the node's body.
 */
const sameNode = (a: NodeProps, b: NodeProps) => a.id === b.id && a.data === b.data && a.selected === b.selected;
const drawn = <P extends NodeProps>(c: ComponentType<P>) => memo(c, sameNode) as unknown as ComponentType<P>;

/**
 * Node kind → canvas component. Module scope, so React Flow sees one stable
 * object; `satisfies` makes a kind added to the registry without a component
 * a type error.
 */
export const nodeTypes = {
  'trigger.segment': drawn(TriggerSegmentNode),
  'trigger.event': drawn(TriggerEventNode),
  'wait.duration': drawn(WaitDurationNode),
  'wait.until': drawn(WaitUntilNode),
  'wait.event': drawn(WaitEventNode),
  'branch.condition': drawn(BranchConditionNode),
  'split.random': drawn(SplitRandomNode),
  send: drawn(SendNode),
  'action.setTrait': drawn(ActionSetTraitNode),
  exit: drawn(ExitNode),
} satisfies { [K in NodeKind]: ComponentType<NodeProps<JourneyFlowNode<K>>> };
