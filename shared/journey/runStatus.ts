/**
 * A run's life in its journey version: `active` (just entered, due at once),
 * `waiting` (at a wait node, or at a send node whose message is capped or
 * whose outcome it awaits, until a timer, an event or that outcome), then
 * `exited`. Shared: the engine writes it, the contact page shows it.
 */
export const runStatuses = ['active', 'waiting', 'exited'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** What a run is when it enters a version, first time or again (re-entry reuses the row). */
export const enteredStatus = 'active' satisfies RunStatus;

/**
 * Where each status may go next, and nowhere else. server/runs/ is the only
 * writer of `runs` and names each of its status changes through a move this
 * table allows, so a change it does not list is a compile error.
 *
 * - active: a step moved it to a wait (waiting) or out (exited); a step that
 *   did not move it leaves it active, due a minute later; an archive or an
 *   orphaned run's end (exited);
 * - waiting: a timer, an event or its message's outcome moved it on, to
 *   another wait (waiting) or out (exited); nothing moved it (waiting); an
 *   archive or an orphaned run's end (exited);
 * - waiting (or active): an operator migrated it to a new version's node of
 *   another kind, which it enters afresh (active); never a step's move
 *   (`canStepRun`);
 * - exited: the contact entered the same version again (active), which the
 *   re-entry policy allows only once every run of the contact in the journey
 *   has exited.
 *
 * Pause and resume move a run's timer, never its status; a contact merged
 * away takes its losing runs out of the table altogether.
 */
export const runTransitions = {
  active: ['active', 'waiting', 'exited'],
  waiting: ['waiting', 'exited', 'active'],
  exited: ['active'],
} as const satisfies Record<RunStatus, readonly RunStatus[]>;

/** The statuses `from` may move to. */
export type NextRunStatus<F extends RunStatus> = (typeof runTransitions)[F][number];

/** May a run in `from` move to `to`? */
export function canMoveRun(from: RunStatus, to: RunStatus): boolean {
  return (runTransitions[from] as readonly RunStatus[]).includes(to);
}

/** May a step move a run from `from` to `to`? The table's moves except waiting → active, which only a migration makes. */
export function canStepRun(from: RunStatus, to: RunStatus): boolean {
  return canMoveRun(from, to) && !(from === 'waiting' && to === 'active');
}
