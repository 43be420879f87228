import type { Channel, MessageCategory } from './channels';
import type { Scalar } from '../segments/rules';

/** Counters the runner folds into pre-aggregated metric rows. */
export type MetricName = 'entered' | 'edge' | 'suppressed' | 'deferred' | 'holdout';

/**
 * What `step` asks the world to do, as data. The runner writes them in the
 * same transaction as the new run state; the dispatcher executes sends later,
 * idempotently by (run, node, visit).
 */
export type Effect =
  | {
      type: 'send';
      nodeId: string;
      /** with the run id and node id, the idempotency key of the message */
      visit: number;
      channel: Channel;
      template: string;
      category: MessageCategory;
    }
  | {
      /** the policy held the message back: recorded on the outbox row with its reason, never sent under this visit unless a later retry is allowed */
      type: 'withheld';
      nodeId: string;
      visit: number;
      channel: Channel;
      template: string;
      category: MessageCategory;
      decision: 'deferred' | 'suppressed';
      reason: string;
      /** when a deferred message is asked again; null when suppressed */
      until: number | null;
    }
  | { type: 'setTrait'; nodeId: string; trait: string; value: Scalar }
  | { type: 'wakeAt'; nodeId: string; at: number }
  | { type: 'waitFor'; nodeId: string; event: string; until: number | null }
  | { type: 'exit'; nodeId: string; reason: string }
  | { type: 'metric'; metric: MetricName; nodeId: string; port?: string; reason?: string; visit?: number };

export type EffectType = Effect['type'];
