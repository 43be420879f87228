/** Why a graph does not compile. Stable strings: the canvas and tests key on them. */
export const compileErrorCodes = [
  'invalid_graph',
  'invalid_settings',
  'duplicate_node_id',
  'duplicate_edge_id',
  'no_entry',
  'multiple_entries',
  'invalid_config',
  'missing_template',
  'unknown_template',
  'template_channel_mismatch',
  'unknown_segment',
  'dangling_edge',
  'unknown_port',
  'port_wired_twice',
  'edge_into_entry',
  'unwired_port',
  'unreachable_node',
  'cycle_without_wait',
  'unbounded_send_loop',
] as const;
export type CompileErrorCode = (typeof compileErrorCodes)[number];

/**
 * A compile error with a place: the node, edge and/or field (a dotted path
 * such as `config.template` or `settings.goals.0.event`) the canvas badges.
 */
export interface Located {
  code: CompileErrorCode;
  message: string;
  nodeId?: string;
  edgeId?: string;
  field?: string;
  /** the message without its place (no node title, no field path): for display beside the field itself */
  detail?: string;
  /** the facts the message is made of, for code that words or badges it otherwise (e.g. a loop's nodes and channels) */
  params?: Record<string, string | number | readonly string[]>;
}

/** `a.b.0.c` from a zod issue path. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter(Boolean).join('.');
}

/**
 * A fault of the journey itself, the same for every run in it, not of one
 * contact's data: a node kind this code does not know, a template that no
 * longer exists. `step` lets it through, where any other throw from a node's
 * rule ends just that run, so that the runner marks the journey errored and
 * leaves its runs where they are until an operator fixes it.
 */
export class JourneyFault extends Error {
  override name = 'JourneyFault';
}

/**
 * What a step context's contact throws when the caller did not load it (its
 * profile read, its policy asked): `step` lets it through like a
 * `JourneyFault`, and a step that never reads the contact (a timer that
 * leads to an exit, a wait's event port) completes without it. The runner
 * steps each run without its contact first where that step has not needed
 * one before, and loads contacts only for the runs whose step reads them.
 */
export class ContactNotLoaded extends Error {
  override name = 'ContactNotLoaded';
}
