import type { Db } from '../db/client';
import type { Clock } from '../clock';
import { createJourneyService, type Blueprint } from './journeys';
import type { CompileRefs } from '../../shared/journey/kind';

export interface ServiceDeps {
  db: Db;
  clock: Clock;
  refs: () => CompileRefs;
  blueprints: () => readonly Blueprint[];
}

/** Every use case, wired once per server; tRPC procedures reach them through `ctx.services`. */
export function createServices(deps: ServiceDeps) {
  return {
    journeys: createJourneyService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
