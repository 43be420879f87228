import type { Request, RequestHandler, Response } from 'express';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { createTokenBuckets, type TokenBucketRule } from './rateLimit';

/** Calls one request may batch (the web client's batch link sends at most this many). */
export const maxBatchCalls = 20;

/** Procedures whose cost grows with the data: previews over every contact, analytics over every counter. */
export const isExpensive = (path: string): boolean => path === 'segments.preview' || path === 'templates.preview' || path === 'journeys.forecast' || path.startsWith('analytics.');

/** Per IP: a burst of 20 expensive calls, then 2 a second (a person editing a segment or a template stays far below). */
export const defaultExpensiveRate: TokenBucketRule = { burst: 20, perSecond: 2 };

/**
 * Per IP, in milliseconds of expensive work: 10 s at once, then a quarter of
 * each second. A preview over a million contacts costs what it took, so a
 * client cannot hold the event loop by sending slow calls slowly either.
 */
export const defaultExpensiveTime: TokenBucketRule = { burst: 10_000, perSecond: 250 };

/** The procedure paths a /trpc request names (`/a.b,c.d` and `?batch=1`), as tRPC reads them. */
export function procedurePaths(path: string, batchParam: unknown): { paths: string[]; batch: boolean } {
  let raw = path.replace(/^\/+/, '');
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // left as sent: tRPC answers NOT_FOUND for a path it cannot read
  }
  const batch = batchParam === '1';
  return { paths: batch ? raw.split(',') : [raw], batch };
}

/** A refusal in tRPC's own response shape (one error per call of a batch), so tRPC clients show its message. */
function refuse(res: Response, status: number, code: TRPC_ERROR_CODE_KEY, message: string, call: { paths: string[]; batch: boolean }): void {
  const one = (path: string) => ({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status, path } } });
  res.status(status).json(call.batch ? call.paths.map(one) : one(call.paths[0] ?? ''));
}

/**
 * Before tRPC reads a body: a batch of more than `maxBatchCalls` calls is
 * refused (400, naming the limit), and expensive procedures spend tokens from
 * the caller's bucket (429 with Retry-After when it is empty). One anonymous
 * GET of 40 `segments.preview` calls blocked the event loop for 16 s.
 */
export function trpcGuard(opts: { maxBatch?: number; expensive?: TokenBucketRule; expensiveTime?: TokenBucketRule; ip: (req: Request) => string | null; now?: () => number }): RequestHandler {
  const maxBatch = opts.maxBatch ?? maxBatchCalls;
  const buckets = createTokenBuckets(opts.expensive ?? defaultExpensiveRate);
  const time = createTokenBuckets(opts.expensiveTime ?? defaultExpensiveTime);
  const now = opts.now ?? Date.now;
  return (req, res, next) => {
    const call = procedurePaths(req.path, req.query.batch);
    if (call.batch && call.paths.length > maxBatch) return refuse(res, 400, 'BAD_REQUEST', `a batch holds ${call.paths.length} calls; the limit is ${maxBatch} per request`, call);
    const cost = call.paths.filter(isExpensive).length;
    if (cost > 0) {
      const ip = opts.ip(req) ?? 'unknown';
      const owed = time.take(ip, 1, now());
      if (owed > 0) {
        res.setHeader('Retry-After', String(Math.ceil(owed / 1000)));
        return refuse(res, 429, 'TOO_MANY_REQUESTS', `previews and analytics from this address took too long lately: try again in ${Math.ceil(owed / 1000)} s`, call);
      }
      const wait = buckets.take(ip, cost, now());
      if (wait === Number.POSITIVE_INFINITY)
        return refuse(res, 429, 'TOO_MANY_REQUESTS', `${cost} previews or analytics calls in one request; at most ${(opts.expensive ?? defaultExpensiveRate).burst}`, call);
      if (wait > 0) {
        res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
        return refuse(res, 429, 'TOO_MANY_REQUESTS', `too many previews and analytics calls from this address: try again in ${Math.ceil(wait / 1000)} s`, call);
      }
      const started = now();
      res.once('finish', () => time.charge(ip, now() - started, now()));
    }
    next();
  };
}
