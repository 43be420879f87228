import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../obs/log';
import { httpDuration } from '../obs/metrics';
import { requestIdOf } from './requestId';
import { procedurePaths } from './trpcGuard';

/** Routers mounted under a prefix: their routes' patterns are relative to it. */
const mounted = new Set(['v1', 'auth']);

/**
 * The route a request took, as a pattern with few values: a tRPC procedure
 * (one the router has; a batch is `/trpc (batch)`), an Express route pattern
 * (`/l/:code`, `/v1/track`), or `other` (static files, the SPA shell, 404s).
 * Never the raw path: /metrics would grow a series per contact id.
 */
export function routeLabel(req: Request, procedures: ReadonlySet<string>): string {
  const first = req.originalUrl.split(/[/?]/)[1] ?? '';
  if (first === 'trpc') {
    const { paths, batch } = procedurePaths(req.originalUrl.slice('/trpc'.length).split('?')[0] ?? '', req.query.batch);
    if (batch) return '/trpc (batch)';
    return paths[0] && procedures.has(paths[0]) ? `/trpc/${paths[0]}` : '/trpc (unknown)';
  }
  const route = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof route !== 'string') return 'other';
  return mounted.has(first) ? `/${first}${route}` : route;
}

/**
 * Times every request into `journeys_http_request_duration_seconds` and logs
 * it at debug level (LOG_LEVEL=debug for an access log) with its request id.
 */
export function observeRequests(logger: Logger, procedures: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(req, procedures);
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      logger.debug({ requestId: requestIdOf(res), method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };
}
