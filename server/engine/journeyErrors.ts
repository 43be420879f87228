import type { Db } from '../db/client';

/**
 * A journey the engine could not work (its segment SQL failed, a template
 * threw, its config is bad) is marked with the reason and skipped until an
 * operator clears it; every other journey, the runner and the dispatcher go
 * on. The first error is kept: a journey failing every tick does not rewrite it.
 */
export function createJourneyErrors(db: Db) {
  const c = db.$client;
  const mark = c.prepare('update journeys set error = ?, errored_at = ? where id = ? and error is null');
  const clear = c.prepare('update journeys set error = null, errored_at = null where id = ?');
  const errored = c.prepare<[], { id: string }>('select id from journeys where error is not null');
  return {
    /** true when this call marked it (it was healthy) */
    mark: (journeyId: string, reason: string, now: number): boolean => mark.run(reason.slice(0, 500), now, journeyId).changes > 0,
    clear: (journeyId: string): boolean => clear.run(journeyId).changes > 0,
    /** ids of journeys the engine skips */
    erroredIds: (): Set<string> => new Set(errored.all().map((r) => r.id)),
  };
}

export type JourneyErrors = ReturnType<typeof createJourneyErrors>;
