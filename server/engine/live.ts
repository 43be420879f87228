import type { Db } from '../db/client';
import type { PropertyFilter } from '../../shared/segments/rules';
import type { LoadedVersion, MachineCache } from './machines';
import { errorGeneration } from './journeyErrors';

/** An event a version credits to visited nodes: one of its goals, or a funnel step. */
export interface Tracked {
  v: LoadedVersion;
  event: string;
  filter: readonly PropertyFilter[];
  windowDays: number;
  goal: boolean;
}

/** A version's goals and funnel steps, one entry per event (a goal's filter wins); funnel steps use the first goal's window. */
export function trackedEvents(v: LoadedVersion): Tracked[] {
  const s = v.machine.settings;
  const out = new Map<string, Tracked>();
  for (const g of s.goals) if (!out.has(g.event)) out.set(g.event, { v, event: g.event, filter: g.filter, windowDays: g.windowDays, goal: true });
  const window = s.goals[0]?.windowDays ?? 7;
  // versions published before funnel steps existed have none
  for (const e of s.funnel ?? []) if (!out.has(e)) out.set(e, { v, event: e, filter: [], windowDays: window, goal: false });
  return [...out.values()];
}

/**
 * Which published versions take new contacts (the latest version of each
 * live journey) and which versions credit goals and end runs on exit
 * criteria (every version of a live journey: runs stay on the version they
 * started). A paused journey is frozen, so it is in neither: it enrols no
 * one, its runs do not exit on its criteria, and a goal event during the
 * pause is not credited to it (its figures stand as they were when it was
 * paused; resuming does not replay the events it missed). An archived
 * journey has no runs left. A journey marked errored (journeyErrors.ts) is
 * frozen the same way until an operator clears it. Rebuilt lazily after
 * `invalidate()`, which every status change (publish, pause, resume, archive)
 * calls, and after any mark or clear on this connection.
 */
export function createLiveIndex(db: Db, machines: MachineCache) {
  let built: {
    live: LoadedVersion[];
    byTrigger: Map<string, LoadedVersion[]>;
    tracked: Map<string, Tracked[]>;
    endingOn: Map<string, number[]>;
  } | null = null;

  function build() {
    const liveIds = db.$client
      .prepare<[], { id: number }>(
        `select v.id from journey_versions v join journeys j on j.id = v.journey_id
         where j.status = 'live' and j.error is null and v.version = (select max(version) from journey_versions w where w.journey_id = v.journey_id)
         order by v.id`,
      )
      .all()
      .map((r) => r.id);
    const goalIds = db.$client
      .prepare<[], { id: number }>(`select v.id from journey_versions v join journeys j on j.id = v.journey_id where j.status = 'live' and j.error is null order by v.id`)
      .all()
      .map((r) => r.id);
    const loaded = machines.load([...liveIds, ...goalIds]);
    const live = liveIds.map((id) => loaded.get(id)).filter((v): v is LoadedVersion => v !== undefined);
    const byTrigger = new Map<string, LoadedVersion[]>();
    for (const v of live) if (v.machine.triggerEvent !== null) byTrigger.set(v.machine.triggerEvent, [...(byTrigger.get(v.machine.triggerEvent) ?? []), v]);
    const tracked = new Map<string, Tracked[]>();
    const endingOn = new Map<string, number[]>();
    for (const id of goalIds) {
      const v = loaded.get(id);
      if (!v) continue;
      for (const t of trackedEvents(v)) tracked.set(t.event, [...(tracked.get(t.event) ?? []), t]);
      for (const name of new Set(v.machine.settings.exitCriteria.map((x) => x.event))) endingOn.set(name, [...(endingOn.get(name) ?? []), v.versionId]);
    }
    return { live, byTrigger, tracked, endingOn };
  }

  let builtAt = -1;
  const get = () => {
    const generation = errorGeneration(db);
    if (generation !== builtAt) {
      built = null;
      builtAt = generation;
    }
    return (built ??= build());
  };
  return {
    invalidate(): void {
      built = null;
    },
    live: (): readonly LoadedVersion[] => get().live,
    triggeredBy: (event: string): readonly LoadedVersion[] => get().byTrigger.get(event) ?? [],
    /** the versions that credit this event to the nodes a contact visited (a goal or a funnel step) */
    trackedOn: (event: string): readonly Tracked[] => get().tracked.get(event) ?? [],
    /** ids of the versions (of live journeys) whose exit criteria name this event */
    endingOn: (event: string): readonly number[] => get().endingOn.get(event) ?? [],
  };
}

export type LiveIndex = ReturnType<typeof createLiveIndex>;
