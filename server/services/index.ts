import type { Db } from '../db/client';
import { FakeClock, type Clock } from '../clock';
import type { Channel } from '../../shared/journey/channels';
import type { CompileRefs } from '../../shared/journey/kind';
import type { ChannelProvider } from '../channels/provider';
import type { SandboxBehaviour } from '../channels/sandbox';
import type { DispatcherOptions } from '../engine/dispatcher';
import { createEngine } from '../engine';
import { createSleepingQueries } from '../sleeping';
import type { LibrarySegment, LibraryTemplate } from '../library/loadLibrary';
import { createTemplateStore } from '../templates/store';
import { libraryLinkHosts } from '../templates/links';
import { createTemplateStats } from './templateStats';
import { createTemplateLocaleStats } from './templateLocales';
import { createAnalytics } from './analytics';
import { createUplift } from '../analytics/uplift';
import { createRoiSettings } from '../analytics/roiSettings';
import { createTrends } from '../analytics/trends';
import { createContactSearch } from './contactSearch';
import { createJourneyService, type Blueprint } from './journeys';
import { createWorkspaceService } from './workspace';
import { createContactStore } from './contacts';
import { createIngestService } from './ingest';
import { createSegmentService } from './segments';
import { createContactQueries } from './timeline';
import { createOutboxQueries } from './outbox';
import { createSimulation } from './simulation';
import { createTemplateService } from './templates';
import { createUserService, type UsersDeps } from './users';
import { createAuditLog } from './audit';
import { createApprovalService } from './approvals';
import { createForecastService } from './forecast';
import { createBacktestService } from './backtests';
import { backtestLowering } from '../backtest/thread/nice';
import type { EnginePriority } from '../engine/thread/priority';
import { compile } from '../../shared/journey/compile';
import { createTesting } from '../testSends';
import { createMigrationService } from './migration';
import { createAgentTasks } from '../agentTasks';
import { createAgentDesk } from '../agentTasks/service';

export interface ServiceDeps {
  db: Db;
  clock: Clock;
  /** what journeys may reference; default: the templates and segments in the database */
  refs?: () => CompileRefs;
  blueprints: () => readonly Blueprint[];
  templates?: () => readonly LibraryTemplate[];
  segments?: () => readonly LibrarySegment[];
  /** per-channel providers; the sandbox stands in for any channel not given */
  providers?: Partial<Record<Channel, ChannelProvider>>;
  sandbox?: Partial<Record<Channel, SandboxBehaviour>>;
  dispatcher?: Partial<DispatcherOptions>;
  /** workspace defaults on first start; `rngSeed` pins the sandbox's and splits' draws (tests that tell one story) */
  workspace?: { timezone?: string; writeKey?: string; approvals?: boolean; rngSeed?: number };
  /** accounts: wall-clock time for sessions and lock-outs (default Date.now), and the scrypt cost (tests pass a cheap one) */
  accounts?: Omit<UsersDeps, 'db'>;
  /** the origin tracked links point at (default PUBLIC_URL, else the server's own URL once it listens) */
  publicUrl?: string;
  /** the engine thread's CPU priority, as startServer resolved it: a backtest's threads run below it (normal when not given) */
  enginePriority?: EnginePriority;
}

/** Every use case, wired once per server; tRPC procedures and HTTP routes reach them here. */
export function createServices(deps: ServiceDeps) {
  const { db, clock } = deps;
  const workspace = createWorkspaceService(db, { now: clock.now(), defaultLinkHosts: libraryLinkHosts(deps.templates?.() ?? []), ...deps.workspace });
  const segments = createSegmentService(db, clock);
  segments.importMissing(deps.segments?.() ?? []);
  // the database holds the templates; the library on disk is imported once (and new library files later)
  const templateStore = createTemplateStore(db);
  let publicUrl = deps.publicUrl ?? process.env.PUBLIC_URL ?? 'http://localhost:3000';
  const engine = createEngine({
    db,
    settings: workspace.settings,
    templates: templateStore,
    publicUrl: () => publicUrl,
    linkSecret: () => workspace.settings().linkSecret,
    providers: deps.providers,
    sandbox: deps.sandbox,
    // a real clock's dispatcher keeps its channel lanes going between ticks; a fake clock's finishes within each tick
    dispatcher: { background: clock.kind === 'real', ...deps.dispatcher },
  });
  // messages whose lease expired (a crashed engine had handed them to providers) go again under the same key
  engine.dispatcher.recover(clock.now());
  const contactStore = createContactStore(db);
  const roi = createRoiSettings(db);
  const contacts = createContactQueries(db, contactStore, () => workspace.settings().timezone);
  const templates = createTemplateService({
    store: templateStore,
    contact: contacts.get,
    knownTraits: contacts.knownTraits,
    timezone: () => workspace.settings().timezone,
    now: () => clock.now(),
    publicUrl: () => publicUrl,
    linkHosts: workspace.linkHosts,
    workspaceLocale: () => workspace.settings().locale,
  });
  templates.importLibrary(deps.templates?.() ?? [], 'library');
  const users = createUserService({ db, ...deps.accounts });
  const refs = deps.refs ?? ((): CompileRefs => ({ templates: templateStore.channels(), segments: new Set(segments.keys()) }));
  // whoever else keeps what the engine keeps (the engine thread) is told when journeys, templates or settings change
  const engineListeners: (() => void)[] = [];
  const engineChanged = () => {
    for (const l of engineListeners) l();
  };
  const ingest = createIngestService({ db, clock, contacts: contactStore, events: engine.events, live: engine.live });
  const audit = createAuditLog(db, deps.accounts?.wallNow, {
    // any change an API call made may touch what the engine thread caches: it rebuilds on its next use
    onCommit: engineChanged,
    // caches the change wrote through (the workspace settings) forget it with the database
    onRollback: () => {
      workspace.reload();
      engine.live.invalidate();
    },
  });
  const journeys = createJourneyService({
    ...deps,
    refs,
    runs: engine.lifecycle,
    afterCommit: (task) => audit.afterCommit(task),
    onLiveChange: () => {
      engine.live.invalidate();
      engineChanged();
    },
  });
  // timers a resume had not put back, and runs an archive had not ended, when the server stopped (both go a slice at a time after their commit)
  journeys.finishInterrupted();
  const migration = createMigrationService({ db, clock });
  return {
    journeys,
    workspace,
    users,
    audit,
    /** Call `listener` whenever journeys, templates or settings change (the engine thread invalidates its caches). */
    onEngineChange(listener: () => void): void {
      engineListeners.push(listener);
    },
    approvals: createApprovalService({ db, wallNow: deps.accounts?.wallNow ?? Date.now, enabled: () => workspace.settings().approvals, journeys, templates, templateStore }),
    segments,
    engine,
    ingest,
    contacts,
    /** the call centre's Agent page: claim a call task, see the contact, record the outcome (server/agentTasks/) */
    agentTasks: createAgentDesk({
      tasks: createAgentTasks(db, { timezone: () => workspace.settings().timezone, callingHours: () => workspace.getPolicy().guardrails.robocalls }),
      ingest,
      contacts,
      clock,
    }),
    contactSearch: createContactSearch(db),
    /** sleeping contacts: the dashboard count and the Contacts filter (the engine marks them, server/sleeping/) */
    sleeping: createSleepingQueries(db),
    templates,
    templateStats: createTemplateStats(db, templateStore),
    templateLocales: createTemplateLocaleStats(db, templateStore),
    analytics: createAnalytics(
      db,
      () => workspace.settings().unitPrices,
      () => roi.get(),
    ),
    /** the average first loan and margin that turn a channel's loans into revenue and ROI */
    roi,
    /** treated vs holdout (or the global control group) per funnel step, with intervals */
    uplift: createUplift(db, { prices: () => workspace.settings().unitPrices, policy: () => workspace.getPolicy() }),
    /** a journey's entries, sends, conversions and cost per day in the workspace's zone */
    trends: createTrends(db, { timezone: () => workspace.settings().timezone, now: () => clock.now(), prices: () => workspace.settings().unitPrices }),
    /** live-version migration: move in-flight contacts of an old version to the live one, node to node (server/runs/migrate.ts) */
    migration,
    /** the publish dialog's forecast of a draft: audience, reach under the contact policy, messages and cost */
    forecast: createForecastService({ db, clock, refs, settings: workspace.settings, templateStore, templates, migration: (id, nodes) => migration.forecast(id, nodes) }),
    /** the draft replayed over a past window on a copy of the data (server/backtest/), on a thread of its own */
    backtests: createBacktestService({
      db,
      clock,
      databasePath: db.$client.name,
      lowerTo: backtestLowering(deps.enginePriority ?? 'normal'),
      errorsOf: (graph) => {
        const r = compile(graph, refs());
        return r.ok ? [] : r.errors;
      },
    }),
    /** test contacts, "Send test" on a send node, "Trace one contact" through a draft (server/testSends/, server/trace/) */
    testing: createTesting({
      db,
      clock,
      templates: templateStore,
      providers: () => engine.providers,
      settings: workspace.settings,
      refs,
      segmentRules: (key) => segments.list().find((x) => x.key === key)?.rules,
    }),
    publicUrl: (): string => publicUrl,
    /** where tracked links point: set by the server once it knows its own address, unless PUBLIC_URL says otherwise */
    setPublicUrl(url: string): void {
      if (!deps.publicUrl && !process.env.PUBLIC_URL) publicUrl = url;
    },
    outbox: createOutboxQueries(db, { now: () => clock.now(), outbox: engine.outbox }),
    /** present only on a fake clock: `dev.advanceClock` and `dev.now` */
    simulation: clock instanceof FakeClock ? createSimulation(clock, engine) : null,
  };
}

export type Services = ReturnType<typeof createServices>;
