import type { Db } from '../db/client';
import { FakeClock } from '../clock';
import { createWorkspaceService } from '../services/workspace';
import type { Channel } from '../../shared/journey/channels';
import { compile } from '../../shared/journey/compile';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { BacktestResult, BacktestRun } from '../../shared/backtest/result';
import { availableParallelism } from 'node:os';
import { buildBaseCopy, openVersionCopy, planCopy, sourceSize, type BaseCopy, type CopyPlan, type ReplayedVersion } from './copy';
import type { SleepingRule } from '../../shared/policy/guardrails';
import { replayEvents, type ReplayHooks } from './replay';
import { createBacktestEngine, sleepingPassCanMark } from './engine';
import { compareRuns, mergeRuns, reportRun } from './report';
import { endShareThreads, replayOnThreads, startShareThreads } from './thread/shares';
import Database from 'better-sqlite3';
import type { Lowering } from '../threadPriority';

/** What one backtest replays: a journey's draft, and its live version to compare with, over [from, to]. */
export interface BacktestJob {
  /** the live database file, read only */
  sourcePath: string;
  /** where the copies go (the caller removes it) */
  workDir: string;
  journeyId: string;
  name: string;
  draft: JourneyGraph;
  live: { version: number; graph: JourneyGraph; machine: CompiledJourney } | null;
  from: number;
  to: number;
  /** how many threads replay the contacts, each its share (default: `replayThreads` decides) */
  threads?: number;
  /** how low its threads run (thread/nice.ts; default nice `backtestNice`) */
  lowerTo?: Lowering;
}

export interface BacktestHooks {
  progress?: (fraction: number, phase: string) => void;
  cancelled?: () => boolean;
  /** the flag `cancelled` reads, when it reads one (a backtest thread's): replay threads read it too */
  cancelFlag?: SharedArrayBuffer;
}

/** The draft compiled as publish would compile it, against the live file's templates and segments. */
export function compileDraft(source: string, graph: JourneyGraph): CompiledJourney {
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const templates = new Map(
      src
        .prepare<[], { key: string; channel: Channel }>('select key, channel from templates')
        .all()
        .map((t) => [t.key, t.channel]),
    );
    const segments = new Set(
      src
        .prepare<[], { key: string }>('select key from segments')
        .all()
        .map((s) => s.key),
    );
    const r = compile(graph, { templates, segments });
    if (!r.ok) throw new Error(`the draft does not compile (${r.errors.length} problem(s)): fix it before a backtest`);
    return r.value;
  } finally {
    src.close();
  }
}

/**
 * Replay one version over the window on its own copy: the engine's segment
 * entry, runner (the pure step, the contact policy) and event router
 * (`createBacktestEngine`, which settles the outbox without sending) on a fake
 * clock at the window's start, the recorded events routed at their time.
 */
function replayVersion(base: BaseCopy, dir: string, job: BacktestJob, v: ReplayedVersion, label: string, hooks: ReplayHooks, threads: number): BacktestRun {
  const started = performance.now();
  const db: Db = openVersionCopy(base, dir, v, job.from, threads);
  try {
    const workspace = createWorkspaceService(db, { now: job.from });
    const engine = createBacktestEngine(db, workspace.settings, v.machine);
    const clock = new FakeClock(job.from);
    const { ticks } = replayEvents(engine, db, clock, base.events, job.to, hooks, base.readNames);
    // a step that threw marked the journey errored and froze its runs (the runner's isolation): figures from
    // there on would be a partial replay, and on several threads only the share that met it would stop
    const error = db.$client.prepare<[string], string | null>('select error from journeys where id = ?').pluck().get(v.journeyId);
    if (error) throw new Error(`the ${label} stopped with an error during the replay: ${error}`);
    return reportRun(db, job.journeyId, v.version, v.machine, label, { ticks, seconds: (performance.now() - started) / 1000 });
  } finally {
    db.$client.close();
  }
}

/** The versions a job replays, in order: the draft (compiled), then the live version when there is one. */
function versionsOf(job: BacktestJob, draftMachine: CompiledJourney): ReplayedVersion[] {
  const versions: ReplayedVersion[] = [{ journeyId: job.journeyId, name: job.name, version: (job.live?.version ?? 0) + 1, graph: job.draft, machine: draftMachine }];
  if (job.live) versions.push({ journeyId: job.journeyId, name: job.name, ...job.live });
  return versions;
}

/** What one share of the contacts replayed to: its copy's size and each version's run. */
export interface ShareResult {
  contacts: number;
  events: number;
  copySeconds: number;
  runs: BacktestRun[];
}

/**
 * One share of a backtest (all of it, on one thread): copy the plan's
 * contacts (once), then replay each version on its own copy of that base.
 * Progress: the copy is the first tenth, then each replay its share of the rest.
 */
export function replayShare(job: BacktestJob, draftMachine: CompiledJourney, plan: CopyPlan, dir: string, hooks: BacktestHooks = {}, threads = 1): ShareResult {
  const t0 = performance.now();
  const versions = versionsOf(job, draftMachine);
  hooks.progress?.(0, 'copying');
  const base = buildBaseCopy(job.sourcePath, dir, plan, job.from, job.to, threads);
  const copySeconds = (performance.now() - t0) / 1000;
  const runs = versions.map((v, i) => {
    const label = i === 0 ? 'draft' : `v${v.version}`;
    const share = 0.9 / versions.length;
    return replayVersion(
      base,
      dir,
      job,
      v,
      label,
      {
        progress: (f) => hooks.progress?.(0.1 + share * (i + f), `replaying ${label}`),
        ...(hooks.cancelled ? { cancelled: hooks.cancelled } : {}),
      },
      threads,
    );
  });
  return { contacts: plan.ids.length, events: base.events.length, copySeconds, runs };
}

/**
 * How many threads replay a job's contacts: one below `shardFrom`
 * candidates (a thread's start costs more than it saves), else one per core
 * up to four, unless the job says. Shares are exact only when contacts never
 * meet and nothing depends on when a share's engine happens to tick, so one
 * thread replays a journey that admits at most so many contacts
 * (`entry.maxContacts`: a count over everyone), and one that the sleeping
 * pass could act on (`sleepingPassCanMark`: the pass runs at the first tick
 * an hour after the last, and a share ticks only when its own runs are due).
 */
export function replayThreads(job: BacktestJob, machines: readonly CompiledJourney[], { candidates, sleeping }: { candidates: number; sleeping: SleepingRule }): number {
  if (machines.some((m) => m.settings.entry.maxContacts !== null || sleepingPassCanMark(m, sleeping))) return 1;
  if (job.threads !== undefined) return Math.max(1, Math.floor(job.threads));
  return candidates < shardFrom ? 1 : Math.min(4, availableParallelism());
}

/** Candidates from which a backtest replays on several threads. */
const shardFrom = 100_000;

/**
 * A backtest: plan the copy (who could have entered, which events), then
 * replay the draft, and the live version when there is one, over the window.
 * A large one splits its contacts between threads (`replayThreads`), each
 * copying and replaying its share; the shares' figures are added up
 * (`mergeRuns`). Progress: the copy is the first tenth, then each replay its
 * share of the rest (over all threads).
 */
export async function runBacktest(job: BacktestJob, hooks: BacktestHooks = {}): Promise<BacktestResult> {
  const t0 = performance.now();
  const draftMachine = compileDraft(job.sourcePath, job.draft);
  hooks.progress?.(0, 'copying');
  const machines = job.live ? [draftMachine, job.live.machine] : [draftMachine];
  // the candidates are some of the contacts: with enough contacts to split, the share threads start now and load
  // their code while the plan is read, instead of after it (about a second each); the plan may still want fewer
  const expected = replayThreads(job, machines, sourceSize(job.sourcePath));
  const started = expected > 1 ? startShareThreads(expected) : [];
  let shares: ShareResult[];
  let planSeconds: number;
  let threads: number;
  try {
    const plan = planCopy(job.sourcePath, machines, job.from, job.to);
    planSeconds = (performance.now() - t0) / 1000;
    threads = replayThreads(job, machines, { candidates: plan.ids.length, sleeping: plan.sleeping });
    if (threads === 1) void endShareThreads(started.splice(0));
    shares = threads === 1 ? [replayShare(job, draftMachine, plan, job.workDir, hooks)] : await replayOnThreads(job, draftMachine, plan, threads, hooks, started.splice(0));
  } finally {
    // a plan that failed: the threads started for it never got a share
    void endShareThreads(started);
  }
  // each version's goal as its overlay reads it: its own first goal
  const runs = machines.map((m, i) =>
    mergeRuns(
      shares.map((s) => s.runs[i] as BacktestRun),
      m.settings.goals[0]?.event ?? null,
    ),
  );
  const [draft, live = null] = runs as [BacktestRun, BacktestRun?];
  const goal = draftMachine.settings.goals[0]?.event ?? null;
  return {
    from: job.from,
    to: job.to,
    goal,
    contacts: shares.reduce((n, s) => n + s.contacts, 0),
    events: shares.reduce((n, s) => n + s.events, 0),
    draft,
    live,
    comparison: live ? compareRuns(draft, live, goal) : [],
    // the plan (who could have entered, the configuration) and the slowest share's copy
    seconds: { copy: planSeconds + Math.max(...shares.map((s) => s.copySeconds)), total: (performance.now() - t0) / 1000 },
    threads,
  };
}
