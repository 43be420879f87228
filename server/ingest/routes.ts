import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { Call, MAX_BATCH_CALLS, MAX_BODY } from './calls';
import type { IngestService } from '../services/ingest';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** HTTP Basic auth with the workspace write key as the user name (password ignored, as Segment does); `accepts` compares in constant time. */
function writeKeyAuth(accepts: (key: string) => boolean): RequestHandler {
  return (req, _res, next) => {
    const h = req.headers.authorization ?? '';
    const [scheme, encoded] = h.split(' ');
    const user = scheme?.toLowerCase() === 'basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(':')[0] : undefined;
    if (user === undefined || !accepts(user)) return next(new HttpError(401, 'missing or wrong write key: use HTTP Basic auth with the write key as the user name'));
    next();
  };
}

/** The first issue of a failed parse, as "<field>: <message>". */
function firstIssue(error: z.ZodError, prefix: string): HttpError {
  const i = error.issues[0];
  const path = [prefix, ...(i?.path ?? []).map(String)].filter(Boolean).join('.');
  return new HttpError(400, `${path || 'body'}: ${i?.message ?? 'invalid'}`, path || undefined);
}

function parseCall(body: unknown, type: Call['type'] | null, prefix = ''): Call {
  const withType = type && body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>), type } : body;
  const r = Call.safeParse(withType);
  if (!r.success) throw firstIssue(r.error, prefix);
  return r.data;
}

const Batch = z.object({ batch: z.array(z.unknown(), { error: 'batch must be an array of calls' }) });

/**
 * `/v1/*`: Segment HTTP Tracking API compatible ingestion, plus the inbound
 * SMS webhook. Bad input is a 400 naming the field, oversize a 413, and
 * nothing of a rejected request is written.
 */
export function ingestRoutes(ingest: IngestService, acceptsWriteKey: (key: string) => boolean): Router {
  const r = express.Router();
  // authenticate before reading the body: a caller without the key gets a 401, whatever it sent
  r.use(writeKeyAuth(acceptsWriteKey));
  r.use(express.json({ limit: MAX_BODY, type: () => true }));

  const single = (type: Call['type']): RequestHandler => (req: Request, res) => {
    const call = parseCall(req.body, type);
    res.json({ success: true, ...ingest.ingest([call]) });
  };
  for (const type of ['identify', 'track', 'page', 'screen', 'alias', 'group'] as const) {
    r.post(`/${type}`, single(type));
    r.post(`/${type[0]}`, single(type)); // the SDKs' short paths: /v1/i, /v1/t, /v1/p …
  }
  r.post(['/batch', '/import'], (req, res) => {
    const b = Batch.safeParse(req.body);
    if (!b.success) throw firstIssue(b.error, '');
    if (b.data.batch.length > MAX_BATCH_CALLS) throw new HttpError(413, `batch holds ${b.data.batch.length} calls; the limit is ${MAX_BATCH_CALLS}`);
    const calls = b.data.batch.map((c, i) => parseCall(c, null, `batch.${i}`));
    res.json({ success: true, ...ingest.ingest(calls) });
  });
  r.post('/inbound/sms', (req, res) => {
    const p = z.object({ from: z.string().trim().min(1, 'from is required'), text: z.string() }).safeParse(req.body);
    if (!p.success) throw firstIssue(p.error, '');
    res.json({ success: true, ...ingest.inboundSms(p.data.from, p.data.text) });
  });

  const errors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (err instanceof HttpError) return void res.status(err.status).json({ error: err.message, ...(err.field ? { field: err.field } : {}) });
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return void res.status(413).json({ error: `body is larger than ${MAX_BODY}` });
    if (e.type === 'entity.parse.failed') return void res.status(400).json({ error: `body is not valid JSON: ${e.message ?? ''}` });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: e.message ?? 'bad request' });
    console.error('ingest failed:', err);
    res.status(500).json({ error: 'internal error; nothing was written' });
  };
  r.use(errors);
  return r;
}
