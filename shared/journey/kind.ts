import type { z } from 'zod';
import type { Channel } from './channels';
import type { Effect } from './effects';
import type { ProfileEvent } from '../segments/evaluate';
import type { Run, StepContext } from './run';
import type { SettledStatus } from '../outbox/status';

export const paletteGroups = ['Entry', 'Wait', 'Logic', 'Messages', 'Actions'] as const;
export type PaletteGroup = (typeof paletteGroups)[number];

/** An output port of a node: `id` is stored on edges, `label` is drawn on them. */
export interface Port {
  id: string;
  /** in English; a fixed port's (not named by the user) `labelKey` is its message id in the client's catalogues */
  label: string;
  labelKey?: string;
  /**
   * The node works without it (a send node's `failed`): compile does not ask
   * for it to be wired, and the node acts differently when it is.
   */
  optional?: boolean;
}

/** Where a run goes after a node has acted. */
export type Outcome =
  { type: 'go'; port: string; effects?: Effect[] } | { type: 'wait'; until: number | null; event?: string; effects?: Effect[] } | { type: 'exit'; reason: string; effects?: Effect[] };

export interface StepEnv {
  run: Run;
  nodeId: string;
  ctx: StepContext;
  /**
   * True when this same `step` call already acted on the node: a loop came back
   * round without the clock moving. A wait that may pass straight through
   * (`wait.until` inside its window) must then hold the run, or the loop would
   * spin (and send) until the hop limit.
   */
  looped?: boolean;
}

/** A problem with one field of one node's config, found by a kind's own compile rule. */
export interface FieldIssue {
  code: 'missing_template' | 'unknown_template' | 'template_channel_mismatch' | 'unknown_segment' | 'invalid_config';
  field: string;
  message: string;
  /** the facts the message is made of (a template key, a channel), so a client can word it in its own language */
  params?: Record<string, string>;
}

/** A summary as a message id and its ICU values (see `KindDef.summaryMessage`). */
export interface SummaryMessage {
  messageKey: string;
  values: Record<string, string | number>;
}

/** Catalogues the compiler checks references against; a missing catalogue skips that check. */
export interface CompileRefs {
  /** template key → channel */
  templates?: ReadonlyMap<string, Channel>;
  segments?: ReadonlySet<string>;
}

/**
 * How runs treat the node:
 * - entry: where runs start (exactly one per journey);
 * - wait: holds the run until a timer or an event (breaks instant cycles);
 * - instant: acts and moves on in the same step;
 * - exit: ends the run.
 */
export type NodeRole = 'entry' | 'wait' | 'instant' | 'exit';

/**
 * Everything about one node kind, defined once. The palette, inspector,
 * compiler, validator, step and docs all read this.
 */
export interface KindDef<K extends string, S extends z.ZodType> {
  kind: K;
  /** zod schema of the node's config; defaults fill in what a new node starts with */
  schema: S;
  role: NodeRole;
  /** `label` and `description` in English; `labelKey` and `descriptionKey` are their message ids in the client's catalogues (client/i18n/messages) */
  palette: { group: PaletteGroup; label: string; icon: string; description: string; labelKey: string; descriptionKey: string };
  /** one-line human summary of a config, for the canvas and docs */
  summary: (config: z.output<S>) => string;
  /**
   * The summary as a message of the client's catalogues (`messageKey`) and its
   * ICU values, so the canvas says it in the reader's language; in English it
   * reads exactly as `summary`. Left out, or null for a config it cannot word,
   * the canvas shows `summary`.
   */
  summaryMessage?: (config: z.output<S>) => SummaryMessage | null;
  ports: (config: z.output<S>) => Port[];
  /** compile rule beyond the schema: references and cross-field checks */
  check?: (config: z.output<S>, refs: CompileRefs) => FieldIssue[];
  /** the message this node sends: its channel (the static message bound) and template (analytics); null when none */
  sends?: (config: z.output<S>) => { channel: Channel; template: string } | null;
  /**
   * The node's loop limit (null: none): a run arriving once more than this
   * leaves the journey there, and compile counts a loop through it as bounded
   */
  maxVisits?: (config: z.output<S>) => number | null;
  /** entry kinds started by an event: does this event (with its properties) enrol? */
  accepts?: (config: z.output<S>, event: ProfileEvent) => boolean;
  /** event names (→ days of history) the node reads from the contact's profile */
  history?: (config: z.output<S>) => Record<string, number>;
  /** the run arrives at the node */
  enter: (config: z.output<S>, env: StepEnv) => Outcome;
  /** the run's timer fired while it waits here; null = stay */
  onTimer?: (config: z.output<S>, env: StepEnv) => Outcome | null;
  /** the awaited event arrived while it waits here; null = stay */
  onEvent?: (config: z.output<S>, env: StepEnv, event: ProfileEvent) => Outcome | null;
  /** the message the run waits for here (`awaitingMessage`) settled with `status`; null = stay */
  onMessage?: (config: z.output<S>, env: StepEnv, status: SettledStatus) => Outcome | null;
}

/** Any kind; methods are declared as methods, so each concrete kind is assignable here. */
export type AnyKindDef = KindDef<string, z.ZodType>;

/** Identity function that keeps a kind's literal and schema types. */
export function defineKind<K extends string, S extends z.ZodType>(def: KindDef<K, S>): KindDef<K, S> {
  return def;
}
