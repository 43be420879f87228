import type { Db } from '../db/client';
import type { Goal } from '../../shared/journey/settings';
import type { LoadedVersion, MachineCache } from './machines';

/**
 * Which published versions take new contacts (the latest version of each
 * live journey) and which versions credit goals and end runs on exit
 * criteria (every version of a live journey: runs stay on the version they
 * started). A paused journey is frozen, so it is in neither: it enrols no
 * one, its runs do not exit on its criteria, and a goal event during the
 * pause is not credited to it (its figures stand as they were when it was
 * paused; resuming does not replay the events it missed). An archived
 * journey has no runs left. Rebuilt lazily after `invalidate()`, which every
 * status change (publish, pause, resume, archive) calls.
 */
export function createLiveIndex(db: Db, machines: MachineCache) {
  let built: {
    live: LoadedVersion[];
    byTrigger: Map<string, LoadedVersion[]>;
    goals: Map<string, { v: LoadedVersion; goal: Goal }[]>;
    endingOn: Map<string, number[]>;
  } | null = null;

  function build() {
    const liveIds = db.$client
      .prepare<[], { id: number }>(
        `select v.id from journey_versions v join journeys j on j.id = v.journey_id
         where j.status = 'live' and v.version = (select max(version) from journey_versions w where w.journey_id = v.journey_id)
         order by v.id`,
      )
      .all()
      .map((r) => r.id);
    const goalIds = db.$client
      .prepare<[], { id: number }>(`select v.id from journey_versions v join journeys j on j.id = v.journey_id where j.status = 'live' order by v.id`)
      .all()
      .map((r) => r.id);
    const loaded = machines.load([...liveIds, ...goalIds]);
    const live = liveIds.map((id) => loaded.get(id)).filter((v): v is LoadedVersion => v !== undefined);
    const byTrigger = new Map<string, LoadedVersion[]>();
    for (const v of live)
      if (v.machine.triggerEvent !== null) byTrigger.set(v.machine.triggerEvent, [...(byTrigger.get(v.machine.triggerEvent) ?? []), v]);
    const goals = new Map<string, { v: LoadedVersion; goal: Goal }[]>();
    const endingOn = new Map<string, number[]>();
    for (const id of goalIds) {
      const v = loaded.get(id);
      if (!v) continue;
      for (const goal of v.machine.settings.goals) goals.set(goal.event, [...(goals.get(goal.event) ?? []), { v, goal }]);
      for (const name of new Set(v.machine.settings.exitCriteria.map((x) => x.event))) endingOn.set(name, [...(endingOn.get(name) ?? []), v.versionId]);
    }
    return { live, byTrigger, goals, endingOn };
  }

  const get = () => (built ??= build());
  return {
    invalidate(): void {
      built = null;
    },
    live: (): readonly LoadedVersion[] => get().live,
    triggeredBy: (event: string): readonly LoadedVersion[] => get().byTrigger.get(event) ?? [],
    goalsOn: (event: string): readonly { v: LoadedVersion; goal: Goal }[] => get().goals.get(event) ?? [],
    /** ids of the versions (of live journeys) whose exit criteria name this event */
    endingOn: (event: string): readonly number[] => get().endingOn.get(event) ?? [],
  };
}

export type LiveIndex = ReturnType<typeof createLiveIndex>;
