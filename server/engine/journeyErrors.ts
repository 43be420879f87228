import type { Db } from '../db/client';

/**
 * Bumped on every mark and clear that changed a row, per connection: the
 * engine's live index compares it on each read and rebuilds when it moved, so
 * a journey the runner marks mid-tick leaves the index without anyone holding
 * a reference to it. Keyed by the connection, which every part of one engine shares.
 */
const generations = new WeakMap<object, number>();
const bump = (db: Db) => generations.set(db.$client, (generations.get(db.$client) ?? 0) + 1);

/** How many times a journey's error state changed on this connection (see `generations`). */
export const errorGeneration = (db: Db): number => generations.get(db.$client) ?? 0;

/**
 * A failure as the reason an operator reads: where it happened, then what
 * the error said at its root. Drizzle wraps a driver error in one whose
 * message is the whole query and its parameters (a 1,000-id list): the cause
 * says what went wrong.
 */
export function failureReason(where: string, e: unknown): string {
  let root = e;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  return `${where}: ${root instanceof Error ? root.message : String(root)}`;
}

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
    mark(journeyId: string, reason: string, now: number): boolean {
      const changed = mark.run(reason.slice(0, 500), now, journeyId).changes > 0;
      if (changed) bump(db);
      return changed;
    },
    clear(journeyId: string): boolean {
      const changed = clear.run(journeyId).changes > 0;
      if (changed) bump(db);
      return changed;
    },
    /** ids of journeys the engine skips */
    erroredIds: (): Set<string> => new Set(errored.all().map((r) => r.id)),
  };
}

export type JourneyErrors = ReturnType<typeof createJourneyErrors>;

const cached = new WeakMap<object, JourneyErrors>();

/** The statements of `createJourneyErrors`, prepared once per connection: segment entry asks on every tick. */
export function journeyErrorsOf(db: Db): JourneyErrors {
  let e = cached.get(db.$client);
  if (!e) cached.set(db.$client, (e = createJourneyErrors(db)));
  return e;
}
