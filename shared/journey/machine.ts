import type { Channel } from './channels';
import type { JourneySettings } from './settings';
import type { NodeKind } from './registry';

/** A node as the runner sees it: a validated config and where each port leads. */
export interface MachineNode {
  id: string;
  kind: NodeKind;
  title: string;
  config: Record<string, unknown>;
  /** port id → target node id */
  next: Record<string, string>;
}

/** Per channel, the most messages one contact can get in one pass; null = unbounded (a loop sends). */
export type MessageBound = Record<Channel, number | null>;

/** What `compile` returns and a published version stores. Deterministic for a given graph. */
export interface CompiledJourney {
  format: 1;
  entry: string;
  /** keyed by node id, inserted in id order */
  nodes: Record<string, MachineNode>;
  settings: JourneySettings;
  maxMessages: MessageBound;
  /** events a `wait.event` node waits for: ingest only wakes runs for these */
  awaitedEvents: string[];
  /** event name → days of history a condition reads, so the runner loads only what steps need */
  historyEvents: Record<string, number>;
  /** events of the trigger (event entry) and exit criteria, for ingest routing */
  triggerEvent: string | null;
}
