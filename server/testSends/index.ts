import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeys } from '../db/schema';
import type { Clock } from '../clock';
import type { Channel } from '../../shared/journey/channels';
import type { CompileRefs } from '../../shared/journey/kind';
import { compile } from '../../shared/journey/compile';
import { JourneyGraph } from '../../shared/journey/graph';
import type { ChannelProvider } from '../channels/provider';
import type { EngineSettings } from '../engine/runner';
import type { TemplateStore } from '../templates/store';
import { notFound, refuse } from '../services/errors';
import { createTracer, type Trace } from '../trace/traceContact';
import { createTestContacts } from './testContacts';
import { createTestSender } from './sendTest';

export interface TestingDeps {
  db: Db;
  clock: Clock;
  templates: TemplateStore;
  providers: () => Record<Channel, ChannelProvider>;
  settings: () => EngineSettings;
  refs: () => CompileRefs;
  segmentRules: (key: string) => unknown;
}

/**
 * Trying a journey before it goes live, on one person: the workspace's test
 * contacts, "Send test" on a send node, and "Trace one contact" through the
 * draft. The first two write only their own tables; the trace writes nothing.
 */
export function createTesting(deps: TestingDeps) {
  const { db, clock } = deps;
  const contacts = createTestContacts(db, () => clock.now());
  const sends = createTestSender({ db, clock, templates: deps.templates, providers: deps.providers, timezone: () => deps.settings().timezone, testContacts: contacts });
  const tracer = createTracer({ db, clock, settings: deps.settings, segmentRules: deps.segmentRules });
  const contactBy = db.$client.prepare<[string], { id: number; external_id: string }>('select id, external_id from contacts where external_id = ?');

  return {
    contacts,
    sends,
    /**
     * Where the journey's draft would take one real contact entering at
     * `from`, and why, step by step (server/trace/). Refused while the draft
     * has problems: it traces what publishing would run.
     */
    trace(input: { journeyId: string; externalId: string; from: number }): Trace {
      const j = db.select({ draft: journeys.draft }).from(journeys).where(eq(journeys.id, input.journeyId)).get();
      if (!j) throw notFound('journey', input.journeyId);
      const compiled = compile(JourneyGraph.parse(j.draft), deps.refs());
      if (!compiled.ok) throw refuse('BAD_REQUEST', 'draft_problems', { count: compiled.errors.length, purpose: 'trace' }, { errors: compiled.errors });
      const contact = contactBy.get(input.externalId);
      if (!contact) throw notFound('contact', input.externalId);
      return tracer(compiled.value, { id: contact.id, externalId: contact.external_id }, input.from);
    },
  };
}

export type Testing = ReturnType<typeof createTesting>;
