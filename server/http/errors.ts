import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { TRPCError } from '@trpc/server';
import type { Logger } from '../obs/log';
import { requestIdOf } from './requestId';

/** What a client is told about a failure it cannot fix: nothing of the code, the SQL or the stack; the id finds the log line. */
export const internalMessage = (requestId: string): string => `internal error (request id ${requestId}); the server log has the details`;

/** Has this path the look of an API call rather than a page? First segments the product serves, or that typos and scanners try. */
export function looksLikeApi(path: string): boolean {
  const first = (path.split('/')[1] ?? '').toLowerCase();
  if (/^(rpc|graphql|v\d+|auth|l|healthz|readyz|metrics)$/.test(first) || first.startsWith('api') || first.startsWith('trpc')) return true;
  // /trcp, /tprc, /trp, /trpx: one slip from /trpc
  return oneSlipApart(first, 'trpc');
}

/** Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours. */
function oneSlipApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const notFoundBody = (req: Request) => ({ error: `no such endpoint: ${req.method} ${req.path}` });

/** API-looking paths nothing answered: 404 JSON, before the SPA shell can answer them with a page. */
export const apiNotFound: RequestHandler = (req, res, next) => {
  if (looksLikeApi(req.path)) return void res.status(404).json(notFoundBody(req));
  next();
};

/** The last handler: anything else no route took (a POST to a page, a missing file). */
export const finalNotFound: RequestHandler = (req, res) => void res.status(404).json(notFoundBody(req));

/**
 * The last error handler. A client error that middleware raised (a body that
 * is not JSON, too large) keeps its status and message; anything else is a 500
 * that says only that it failed and the request id, and is logged whole with
 * that id, the method and the route.
 */
export function errorHandler(logger: Logger, production: boolean): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string; expose?: boolean };
    const status = e.status ?? e.statusCode;
    const requestId = requestIdOf(res);
    if (res.headersSent) return logger.error({ err, requestId, method: req.method, path: req.path }, 'request failed after its response started');
    if (typeof status === 'number' && status >= 400 && status < 500) return void res.status(status).json({ error: e.expose === false ? 'bad request' : (e.message ?? 'bad request'), requestId });
    logger.error({ err, requestId, method: req.method, path: req.path }, `${req.method} ${req.path} failed: ${e.message ?? String(err)}`);
    res.status(500).json({ error: production ? internalMessage(requestId) : `${internalMessage(requestId)}: ${e.message ?? String(err)}`, requestId });
  };
}

/**
 * In production, a tRPC INTERNAL_SERVER_ERROR reaches the client as
 * `internalMessage` and without a stack, whatever was thrown (a SqliteError
 * quotes the SQL). tRPC calls `onError` with the very error it then formats,
 * so this rewrites that error there: the formatter (server/trpc/init.ts) stays
 * as it is, and development keeps the real message. Returns what to log.
 */
export function concealInternal(error: TRPCError, requestId: string, production: boolean): { message: string; stack: string | undefined } | null {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return null;
  const original = { message: error.message, stack: error.cause instanceof Error ? error.cause.stack : error.stack };
  if (production) {
    error.message = internalMessage(requestId);
    // tRPC copies `stack` into the response outside production only; cleared all the same, so nothing depends on NODE_ENV at import
    error.stack = undefined;
  }
  return original;
}
