import express, { type Router } from 'express';
import type { Db } from '../db/client';

/** Tick lag past which /readyz fails by default: the engine ticks every second, so a minute is a stuck engine. */
export const defaultMaxTickLagMs = 60_000;

export interface ReadinessCheck {
  ok: boolean;
  /** 'writable', or why not */
  database: string;
  /** ms since the engine last finished a tick; null without a scheduler (a fake clock drives it) */
  tickLagMs: number | null;
  maxTickLagMs: number;
}

/**
 * Can this server do its job? The database takes a write (an update of the
 * workspace row to itself, in a transaction rolled back: it needs the write
 * lock and a writable file, and leaves nothing), and the engine ticked
 * recently. A read-only file, a full disk or a lock held elsewhere fail it.
 */
export function checkReadiness(db: Db, tickLagMs: () => number | null, maxTickLagMs = defaultMaxTickLagMs): ReadinessCheck {
  let database = 'writable';
  const c = db.$client;
  try {
    c.transaction(() => {
      c.prepare('update workspace set name = name where id = 1').run();
      throw rollback;
    })();
  } catch (e) {
    if (e !== rollback) database = e instanceof Error ? e.message : String(e);
  }
  const lag = tickLagMs();
  return { ok: database === 'writable' && (lag === null || lag <= maxTickLagMs), database, tickLagMs: lag, maxTickLagMs };
}
const rollback = new Error('readiness probe: rolled back');

/**
 * `/healthz`: the process is up and serving (200, always: a liveness probe
 * restarts only what cannot answer). `/readyz`: 200 when `checkReadiness`
 * passes, else 503 with what failed, so a load balancer stops sending traffic.
 */
export function healthRoutes(db: Db, tickLagMs: () => number | null, maxTickLagMs?: number): Router {
  const r = express.Router();
  r.get('/healthz', (_req, res) => void res.json({ ok: true }));
  r.get('/readyz', (_req, res) => {
    const check = checkReadiness(db, tickLagMs, maxTickLagMs);
    const why = [
      ...(check.database === 'writable' ? [] : [`database is not writable: ${check.database}`]),
      ...(check.tickLagMs !== null && check.tickLagMs > check.maxTickLagMs ? [`engine tick lag ${check.tickLagMs} ms is over ${check.maxTickLagMs} ms`] : []),
    ];
    res.setHeader('Cache-Control', 'no-store');
    res.status(check.ok ? 200 : 503).json({ ...check, ...(why.length ? { error: why.join('; ') } : {}) });
  });
  return r;
}
