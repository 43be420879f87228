import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { backtests, journeys, journeyVersions } from '../db/schema';
import { acquireWrite } from '../db/writeGate';
import type { Clock } from '../clock';
import { JourneyGraph } from '../../shared/journey/graph';
import type { Located } from '../../shared/journey/errors';
import { BacktestResult, type BacktestStatus } from '../../shared/backtest/result';
import { DAY, HOUR, utcDayStart } from '../../shared/util/time';
import type { BacktestJob } from '../backtest/run';
import { startBacktestThread, type BacktestHandle } from '../backtest/thread/client';
import type { Lowering } from '../threadPriority';
import { notFound, refuse } from './errors';

/** The window a backtest may cover at most, and the default. */
export const backtestWindow = { defaultDays: 14, maxDays: 92 } as const;

export interface BacktestDeps {
  db: Db;
  clock: Clock;
  /** the live file the backtest copies from (a backtest needs a file: not ':memory:') */
  databasePath: string;
  /** the draft's compile errors, as the canvas shows them */
  errorsOf: (graph: JourneyGraph) => Located[];
  /** how low a job's threads run (`backtestLowering`; default nice `backtestNice`) */
  lowerTo?: Lowering;
  /** how a job runs (default: on its own worker thread) */
  runJob?: (job: BacktestJob, onProgress: (progress: number, phase: string) => void) => BacktestHandle;
}

/** One backtest as the API shows it: the row, the live progress while it runs, and whether the draft changed since. */
export interface BacktestView {
  id: string;
  journeyId: string;
  status: BacktestStatus;
  progress: number;
  phase: string | null;
  from: number;
  to: number;
  liveVersion: number | null;
  startedBy: string;
  startedAt: number;
  finishedAt: number | null;
  cancelledBy: string | null;
  error: string | null;
  result: BacktestResult | null;
  /** the draft was edited after this backtest replayed it */
  stale: boolean;
}

/** The draft's identity: a backtest of it stays current until this changes. */
export const draftHash = (graph: unknown): string => createHash('sha256').update(JSON.stringify(graph)).digest('hex');

/**
 * Backtests: replay a journey's draft (and its live version, to compare) over
 * the recorded events of a past window, on an isolated copy of the data, as a
 * background job on its own thread (server/backtest/), a large one on one
 * thread per core (each a share of the contacts, at a lower priority than the
 * live engine). One at a time per server: each takes the CPU its threads can
 * get for its length. Progress is kept in memory
 * and the row written when the job starts and ends, so a running backtest
 * costs the live file no writes. A server that stops while one runs leaves it
 * "running" in the table; the next start marks it failed.
 */
export function createBacktestService({ db, clock, databasePath, errorsOf, lowerTo, runJob = startBacktestThread }: BacktestDeps) {
  /** the jobs of this process: their progress, and `ended` once their row says how they ended */
  const running = new Map<string, { handle: BacktestHandle; progress: number; phase: string; ended: Promise<void> }>();
  /** the server is stopping: no new job starts, and a start already accepted ends cancelled instead of launching */
  let stopping = false;
  /** rows of starts that never launched (cancelled first, or the server stopping), being written */
  const unlaunched = new Set<Promise<void>>();
  const c = db.$client;

  // a backtest still "running" from an earlier process ended with it
  db.update(backtests).set({ status: 'failed', error: 'the server stopped while it ran', finishedAt: clock.now() }).where(eq(backtests.status, 'running')).run();

  const journeyRow = (id: string) => {
    const j = db.select().from(journeys).where(eq(journeys.id, id)).get();
    if (!j) throw notFound('journey', id);
    return j;
  };

  const view = (r: typeof backtests.$inferSelect, currentHash: string | null): BacktestView => {
    const live = running.get(r.id);
    return {
      id: r.id,
      journeyId: r.journeyId,
      status: r.status,
      progress: live?.progress ?? r.progress,
      phase: live?.phase ?? null,
      from: r.windowFrom,
      to: r.windowTo,
      liveVersion: r.liveVersion,
      startedBy: r.startedBy,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      cancelledBy: r.cancelledBy,
      error: r.error,
      result: r.result === null ? null : BacktestResult.parse(r.result),
      stale: currentHash !== null && currentHash !== r.draftHash,
    };
  };

  const row = (id: string) => {
    const r = db.select().from(backtests).where(eq(backtests.id, id)).get();
    if (!r) throw notFound('backtest', id);
    return r;
  };

  /** [from, to) in ms from UTC days (`to` inclusive, cut at now); the last 14 days without them. */
  function windowOf(input: { from?: string | undefined; to?: string | undefined }): { from: number; to: number } {
    const now = clock.now();
    const to = input.to ? Math.min(utcDayStart(input.to) + DAY, now) : now;
    const from = input.from ? utcDayStart(input.from) : to - backtestWindow.defaultDays * DAY;
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw refuse('BAD_REQUEST', 'backtest_days', {});
    if (from >= now) throw refuse('BAD_REQUEST', 'backtest_in_past', {});
    if (to - from < HOUR) throw refuse('BAD_REQUEST', 'backtest_min_hour', {});
    if (to - from > backtestWindow.maxDays * DAY) throw refuse('BAD_REQUEST', 'backtest_max_days', { max: backtestWindow.maxDays });
    return { from, to };
  }

  /** Write the job's end on the row, through the write lock like any API write (the engine thread may hold it). */
  async function finish(id: string, set: Partial<typeof backtests.$inferInsert>): Promise<void> {
    const leave = await acquireWrite(c);
    try {
      db.update(backtests)
        .set({ finishedAt: clock.now(), ...set })
        .where(and(eq(backtests.id, id), eq(backtests.status, 'running')))
        .run();
    } catch {
      // the database closed under a job the server's stop ended: nothing left to record
    } finally {
      leave();
    }
  }

  function launch(id: string, job: Omit<BacktestJob, 'workDir'>): void {
    // the row is written in the caller's transaction: a start that rolled back has none, and no job
    const r = db.select({ status: backtests.status, cancelledBy: backtests.cancelledBy }).from(backtests).where(eq(backtests.id, id)).get();
    if (r?.status !== 'running') return;
    if (r.cancelledBy !== null || stopping) {
      const written = finish(id, { status: 'cancelled' }).finally(() => unlaunched.delete(written));
      unlaunched.add(written);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'journeys-backtest-'));
    const progress = { progress: 0, phase: 'starting' };
    const handle = runJob({ ...job, workDir: dir }, (p, phase) => {
      progress.progress = p;
      progress.phase = phase;
    });
    const ended = handle.outcome.then(async (o) => {
      try {
        if (o.status === 'done') await finish(id, { status: 'done', progress: 1, result: o.result });
        else if (o.status === 'cancelled') await finish(id, { status: 'cancelled', progress: progress.progress });
        else await finish(id, { status: 'failed', progress: progress.progress, error: o.error });
      } finally {
        running.delete(id);
        rmSync(dir, { recursive: true, force: true });
      }
    });
    running.set(id, {
      handle,
      get progress() {
        return progress.progress;
      },
      get phase() {
        return progress.phase;
      },
      ended,
    });
  }

  async function settle({ terminate = false }: { terminate?: boolean } = {}): Promise<void> {
    // a start's job is launched on the next turn of the event loop
    await new Promise((r) => setImmediate(r));
    const jobs = [...running.values()];
    if (terminate) await Promise.all(jobs.map((j) => j.handle.terminate()));
    await Promise.all([...jobs.map((j) => j.ended), ...unlaunched]);
  }

  return {
    /**
     * Start a backtest of the journey's draft over [from, to] (UTC days; the
     * last 14 days by default), compared with its live version when it has
     * one. Refused while the draft has problems, and while another backtest runs.
     */
    start(input: { journeyId: string; from?: string | undefined; to?: string | undefined }, actor: string): BacktestView {
      if (stopping) throw refuse('CONFLICT', 'server_stopping', {});
      const j = journeyRow(input.journeyId);
      if (databasePath === '' || databasePath === ':memory:') throw refuse('BAD_REQUEST', 'backtest_needs_file', {});
      const draft = JourneyGraph.parse(j.draft);
      const errors = errorsOf(draft);
      if (errors.length > 0) throw refuse('BAD_REQUEST', 'draft_problems', { count: errors.length, purpose: 'backtest' }, { errors });
      const busy = db.select().from(backtests).where(eq(backtests.status, 'running')).get();
      if (busy) throw refuse('CONFLICT', 'backtest_busy', { by: busy.startedBy }, { id: busy.id, journeyId: busy.journeyId });
      const { from, to } = windowOf(input);
      const published =
        j.status === 'live' || j.status === 'paused' ? db.select().from(journeyVersions).where(eq(journeyVersions.journeyId, j.id)).orderBy(desc(journeyVersions.version)).limit(1).get() : undefined;
      const id = randomUUID();
      const hash = draftHash(draft);
      db.insert(backtests)
        .values({
          id,
          journeyId: j.id,
          draftHash: hash,
          draftUpdatedAt: j.updatedAt,
          liveVersion: published?.version ?? null,
          windowFrom: from,
          windowTo: to,
          status: 'running',
          startedBy: actor,
          startedAt: clock.now(),
        })
        .run();
      const job = {
        sourcePath: databasePath,
        journeyId: j.id,
        name: j.name,
        draft,
        live: published ? { version: published.version, graph: published.graph, machine: published.machine } : null,
        from,
        to,
        ...(lowerTo === undefined ? {} : { lowerTo }),
      };
      // after the call's transaction has committed
      setImmediate(() => launch(id, job));
      return view(row(id), hash);
    },

    /** Ask a running backtest to stop; it ends `cancelled` within a tick of the replay. */
    cancel(id: string, actor: string): BacktestView {
      const r = row(id);
      if (r.status !== 'running') throw refuse('CONFLICT', 'backtest_ended', { status: r.status }, { status: r.status });
      db.update(backtests).set({ cancelledBy: actor }).where(eq(backtests.id, id)).run();
      running.get(id)?.handle.cancel();
      return view(row(id), null);
    },

    get(id: string): BacktestView {
      const r = row(id);
      return view(r, draftHash(JourneyGraph.parse(journeyRow(r.journeyId).draft)));
    },

    /** The journey's newest backtest (running or ended), or null: what the canvas shows. */
    latest(journeyId: string): BacktestView | null {
      const j = journeyRow(journeyId);
      const r = db.select().from(backtests).where(eq(backtests.journeyId, journeyId)).orderBy(desc(backtests.startedAt)).limit(1).get();
      return r ? view(r, draftHash(JourneyGraph.parse(j.draft))) : null;
    },

    /**
     * The server stops: refuse new backtests, end the running ones' threads
     * (their rows say cancelled) and wait until they have. After this no
     * worker thread of this service is left, and the database may close.
     */
    async stop(): Promise<void> {
      stopping = true;
      await settle({ terminate: true });
    },

    /** Wait for the running backtests to end and their rows to say so (tests), or end them first (`terminate`: the server stops). */
    settle,
  };
}

export type BacktestService = ReturnType<typeof createBacktestService>;
