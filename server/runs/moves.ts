import { canMoveRun, canStepRun, type NextRunStatus, type RunStatus } from '../../shared/journey/runStatus';

/** The statuses that may move to every status in `T` (non-distributive: all of them, not any). */
export type FromRunStatus<T extends RunStatus> = { [K in RunStatus]: [T] extends [NextRunStatus<K>] ? K : never }[RunStatus];

/** A status change a statement makes: the `from` it matches and the `to` it may write, as SQL. */
export interface RunMove {
  from: readonly RunStatus[];
  to: readonly RunStatus[];
  /** `status = 'exited'` or `status in ('active', 'waiting')`, prefixed with `alias.` when given */
  where: (alias?: string) => string;
}

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * Every statement in server/runs/ that changes `runs.status` declares its
 * change here: a change the table in shared/journey/runStatus.ts does not
 * allow fails to compile (and, for a cast, at load).
 */
export function runMove<T extends RunStatus>(from: readonly FromRunStatus<T>[], to: T | readonly T[]): RunMove {
  const tos: readonly RunStatus[] = typeof to === 'string' ? [to] : to;
  for (const f of from) for (const t of tos) if (!canMoveRun(f, t)) throw new Error(`runs: ${f} → ${t} is not an allowed transition`);
  return { from, to: tos, where: (alias) => `${alias ? `${alias}.` : ''}status ${from.length === 1 ? `= ${list(from)}` : `in (${list(from)})`}` };
}

/**
 * Every status move the run store makes in SQL, for the test that reads them
 * against the table. A step's own move (any of the table's, per outcome) is
 * checked by `assertStepMove` as the runner's batch is written.
 */
export const runMoves = {
  /** re-entry into the same version reuses the row of a run that has exited */
  reenter: runMove(['exited'], 'active'),
  /** archive, or a run that cannot be stepped (its contact or version is gone) */
  end: runMove(['active', 'waiting'], 'exited'),
  /** a migration to a new version's node of another kind: the run enters it afresh (server/runs/migrate.ts) */
  migrateRestart: runMove(['active', 'waiting'], 'active'),
} as const satisfies Record<string, RunMove>;

/** A step's outcome as the batch writes it: throws on a move the table does not allow (a bug in step or the runner, never data). */
export function assertStepMove(from: RunStatus, to: RunStatus, runIds: readonly number[]): void {
  if (!canStepRun(from, to)) throw new Error(`runs: a step moved run ${runIds.join(', ')} from ${from} to ${to}, which the run status table does not allow`);
}
