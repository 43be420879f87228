import type { Db } from '../db/client';
import { FakeClock } from '../clock';
import { createWorkspaceService } from '../services/workspace';
import type { Channel } from '../../shared/journey/channels';
import { compile } from '../../shared/journey/compile';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { BacktestResult, BacktestRun } from '../../shared/backtest/result';
import { buildBaseCopy, openVersionCopy, type BaseCopy, type ReplayedVersion } from './copy';
import { replayEvents, type ReplayHooks } from './replay';
import { createBacktestEngine } from './engine';
import { compareRuns, reportRun } from './report';
import Database from 'better-sqlite3';

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
}

export interface BacktestHooks {
  progress?: (fraction: number, phase: string) => void;
  cancelled?: () => boolean;
}

/** The draft compiled as publish would compile it, against the copy's templates and segments. */
function compileDraft(source: string, graph: JourneyGraph): CompiledJourney {
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
function replayVersion(base: BaseCopy, job: BacktestJob, v: ReplayedVersion, label: string, hooks: ReplayHooks): BacktestRun {
  const started = performance.now();
  const db: Db = openVersionCopy(base, job.workDir, v, job.from);
  try {
    const workspace = createWorkspaceService(db, { now: job.from });
    const engine = createBacktestEngine(db, workspace.settings, v.machine);
    const clock = new FakeClock(job.from);
    const { ticks } = replayEvents(engine, db, clock, base.events, job.to, hooks);
    return reportRun(db, job.journeyId, v.version, v.machine, label, { ticks, seconds: (performance.now() - started) / 1000 });
  } finally {
    db.$client.close();
  }
}

/**
 * A backtest: copy what the window needs (once), then replay the draft, and
 * the live version when there is one, each on its own copy of that base.
 * Progress: the copy is the first tenth, then each replay its share of the rest.
 */
export async function runBacktest(job: BacktestJob, hooks: BacktestHooks = {}): Promise<BacktestResult> {
  const t0 = performance.now();
  const draftMachine = compileDraft(job.sourcePath, job.draft);
  hooks.progress?.(0, 'copying');
  const base = buildBaseCopy(job.sourcePath, job.workDir, job.live ? [draftMachine, job.live.machine] : [draftMachine], job.from, job.to);
  const copySeconds = (performance.now() - t0) / 1000;
  const versions: ReplayedVersion[] = [{ journeyId: job.journeyId, name: job.name, version: (job.live?.version ?? 0) + 1, graph: job.draft, machine: draftMachine }];
  if (job.live) versions.push({ journeyId: job.journeyId, name: job.name, ...job.live });
  const runs: BacktestRun[] = [];
  for (const [i, v] of versions.entries()) {
    const label = i === 0 ? 'draft' : `v${v.version}`;
    const share = 0.9 / versions.length;
    runs.push(
      replayVersion(base, job, v, label, {
        progress: (f) => hooks.progress?.(0.1 + share * (i + f), `replaying ${label}`),
        ...(hooks.cancelled ? { cancelled: hooks.cancelled } : {}),
      }),
    );
  }
  const [draft, live = null] = runs as [BacktestRun, BacktestRun?];
  const goal = draftMachine.settings.goals[0]?.event ?? null;
  return {
    from: job.from,
    to: job.to,
    goal,
    contacts: base.contacts,
    events: base.events.length,
    draft,
    live,
    comparison: live ? compareRuns(draft, live, goal) : [],
    seconds: { copy: copySeconds, total: (performance.now() - t0) / 1000 },
  };
}
