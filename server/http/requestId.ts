import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

export const requestIdHeader = 'x-request-id';

/** An id a proxy or client may hand us: short, and only characters that are safe in a log line and a header. */
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request gets an id: the caller's `X-Request-Id` when it is a sane
 * token (a proxy in front, or a client correlating its own calls), otherwise a
 * fresh UUID. It is echoed on the response, carried by the tRPC context (the
 * audit log records it) and on every log line about the request.
 */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const given = req.get(requestIdHeader);
  const id = given !== undefined && acceptable.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** The id `assignRequestId` gave this request. */
export const requestIdOf = (res: Response): string => (typeof res.locals.requestId === 'string' ? res.locals.requestId : 'unknown');

/** The same, from the request (Express links them). */
export const requestIdOfReq = (req: Request): string => (req.res ? requestIdOf(req.res) : 'unknown');
