import type { ComponentType } from 'react';
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
 * Node kind → canvas component. Module scope, so React Flow sees one stable
 * object; `satisfies` makes a kind added to the registry without a component
 * a type error.
 */
export const nodeTypes = {
  'trigger.segment': TriggerSegmentNode,
  'trigger.event': TriggerEventNode,
  'wait.duration': WaitDurationNode,
  'wait.until': WaitUntilNode,
  'wait.event': WaitEventNode,
  'branch.condition': BranchConditionNode,
  'split.random': SplitRandomNode,
  send: SendNode,
  'action.setTrait': ActionSetTraitNode,
  exit: ExitNode,
} satisfies { [K in NodeKind]: ComponentType<NodeProps<JourneyFlowNode<K>>> };
