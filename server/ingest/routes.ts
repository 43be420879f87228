import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { Call, MAX_BATCH_CALLS, MAX_BODY, QUEUE_FROM_CALLS, QUEUE_MAX_EVENTS } from './calls';
import { cleanText, cleanTextMessage } from '../../shared/util/cleanInput';
import { quickTrack } from './quickCall';
import type { IngestService, IngestReport } from '../services/ingest';
import { log as processLog, type Logger } from '../obs/log';
import { ingestCalls } from '../obs/metrics';
import { requestIdOf } from '../http/requestId';
import { createGroupCommit } from '../db/groupCommit';
import type Database from 'better-sqlite3';

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
  const quick = quickTrack(body, type);
  if (quick) return quick;
  const withType = type && body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>), type } : body;
  const r = Call.safeParse(withType);
  if (!r.success) throw firstIssue(r.error, prefix);
  return r.data;
}

const Batch = z.object({ batch: z.array(z.unknown(), { error: 'batch must be an array of calls' }) });
/** The calls of a /v1/batch body; zod only to word a refusal (it copies the array, 500 calls, to find it fine). */
function batchOf(body: unknown): unknown[] {
  const batch = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { batch?: unknown }).batch : undefined;
  if (Array.isArray(batch)) return batch;
  const b = Batch.safeParse(body);
  if (!b.success) throw firstIssue(b.error, '');
  return b.data.batch;
}
const InboundSms = z.object({
  from: z.string().trim().min(1, 'from is required').max(64).refine(cleanText, cleanTextMessage),
  text: z.string().max(2000),
});

/** The header a vendor signs inbound SMS with: `sha256=<hex HMAC-SHA256 of the raw body>`, as our own webhook channel sends. */
export const signatureHeader = 'x-signature';

/** Whether `header` is the HMAC-SHA256 of `body` under `secret` (hex, with or without `sha256=`), compared in constant time. */
export function validSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  const given = Buffer.from((header ?? '').trim().replace(/^sha256=/i, ''), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Under load, how long (ms) a group of /v1 calls gathers before it asks for
 * the write lock, while the engine writes on its thread too (db/groupCommit.ts;
 * on an idle server, with the engine idle, or with the engine on the API's
 * thread, a call does not wait).
 * Each group is one hand-over of the lock: the engine thread commits its
 * slice, waits until the API's event loop gets to the write, then takes the
 * lock back. In bench:api's loaded minute (about 275 /v1 writes a second),
 * four alternating runs of each:
 * - 2 ms: 7,100–9,600 hand-overs, 5.6–9.0 s of the engine's minute waiting
 *   for them, its rate with load 0.62–0.78 of its rate alone (mean 0.67);
 * - 6 ms: 4,600–5,800 hand-overs, 4.7–6.5 s waiting, 0.61–0.80 (mean 0.73).
 * The price is on the writes themselves: /v1/track's p50 under load went from
 * 4.9–7.9 ms to 8.1–11 ms. p99 did not move beyond its run-to-run spread.
 * 10 ms (two runs) made fewer hand-overs still (3,200–3,700) but the engine
 * waited no less (4.8–6.9 s), and /v1/track's p50 rose to 13–16 ms.
 */
const ingestWindowMs = 6;

const counted = (r: IngestReport): IngestReport => {
  if (r.accepted) ingestCalls.inc({ result: 'accepted' }, r.accepted);
  if (r.duplicates) ingestCalls.inc({ result: 'duplicate' }, r.duplicates);
  if (r.queued) ingestCalls.inc({ result: 'queued' }, r.queued);
  return r;
};

export interface IngestRouteOptions {
  logger?: Logger;
  /**
   * INBOUND_SMS_SECRET: when set, /v1/inbound/sms is authenticated by the
   * vendor's signature instead of the write key, and refused (401) without a
   * valid one. Unset: the write key, like every /v1 route.
   */
  inboundSmsSecret?: string | undefined;
  /**
   * The connection ingestion writes through: calls that arrive together commit
   * together (db/groupCommit.ts) and the event loop serves other requests
   * while the engine thread finishes a batch. Without it each call commits alone.
   */
  sqlite?: Database.Database;
  /** a /v1/batch of at least this many plain tracked events is queued for the engine to index (`QUEUE_FROM_CALLS`; Infinity: never) */
  queueFrom?: number;
}

/**
 * `/v1/*`: Segment HTTP Tracking API compatible ingestion, plus the inbound
 * SMS webhook. Bad input is a 400 naming the field, oversize a 413, and
 * nothing of a rejected request is written.
 */
export function ingestRoutes(ingest: IngestService, acceptsWriteKey: (key: string) => boolean, opts: IngestRouteOptions = {}): Router {
  const r = express.Router();
  const logger = opts.logger ?? processLog;
  const secret = opts.inboundSmsSecret;
  const signed = (req: Request) => secret !== undefined && req.path === '/inbound/sms';
  // authenticate before reading the body: a caller without the key gets a 401, whatever it sent
  const keyAuth = writeKeyAuth(acceptsWriteKey);
  r.use((req, res, next) => (signed(req) ? next() : keyAuth(req, res, next)));
  // the signature covers the body as sent: keep its bytes for the one route that checks it
  r.use(
    express.json({
      limit: MAX_BODY,
      type: () => true,
      verify: (req, _res, buf) => {
        if (signed(req as Request)) (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );

  const queue = { queueFrom: opts.queueFrom ?? QUEUE_FROM_CALLS, queueMaxEvents: QUEUE_MAX_EVENTS };
  const write: (calls: readonly Call[]) => Promise<IngestReport> = opts.sqlite
    ? createGroupCommit(
        opts.sqlite,
        (calls: readonly Call[]) => ingest.ingest(calls, queue),
        { windowMs: ingestWindowMs, windowShare: 0.5 },
        (batches) => ingest.ingestMany(batches, queue),
      )
    : async (calls) => ingest.ingest(calls, queue);
  const single =
    (type: Call['type']): RequestHandler =>
    async (req: Request, res) => {
      const call = parseCall(req.body, type);
      res.json({ success: true, ...counted(await write([call])) });
    };
  for (const type of ['identify', 'track', 'page', 'screen', 'alias', 'group'] as const) {
    r.post(`/${type}`, single(type));
    r.post(`/${type.charAt(0)}`, single(type)); // the SDKs' short paths: /v1/i, /v1/t, /v1/p …
  }
  r.post(['/batch', '/import'], async (req, res) => {
    const batch = batchOf(req.body);
    if (batch.length > MAX_BATCH_CALLS) throw new HttpError(413, `batch holds ${batch.length} calls; the limit is ${MAX_BATCH_CALLS}`);
    const calls = batch.map((c, i) => parseCall(c, null, `batch.${i}`));
    res.json({ success: true, ...counted(await write(calls)) });
  });
  r.post('/inbound/sms', (req, res) => {
    if (secret !== undefined && !validSignature(secret, (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0), req.get(signatureHeader)))
      throw new HttpError(401, `missing or wrong ${signatureHeader}: send sha256=<hex HMAC-SHA256 of the raw body, keyed with INBOUND_SMS_SECRET>`, signatureHeader);
    const p = InboundSms.safeParse(req.body);
    if (!p.success) throw firstIssue(p.error, '');
    res.json({ success: true, ...ingest.inboundSms(p.data.from, p.data.text) });
  });

  // an unknown /v1 path is a JSON 404 here, not the app's page
  r.use((req, _res, next) => next(new HttpError(404, `no such endpoint: ${req.method} /v1${req.path}`)));

  const errors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    if (err instanceof HttpError) return void res.status(err.status).json({ error: err.message, ...(err.field ? { field: err.field } : {}) });
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return void res.status(413).json({ error: `body is larger than ${MAX_BODY}` });
    if (e.type === 'entity.parse.failed') return void res.status(400).json({ error: `body is not valid JSON: ${e.message ?? ''}` });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: e.message ?? 'bad request' });
    const requestId = requestIdOf(res);
    logger.error({ err, requestId, path: `/v1${req.path}` }, `ingest failed: ${e.message ?? String(err)}`);
    res.status(500).json({ error: `internal error; nothing was written (request id ${requestId})`, requestId });
  };
  r.use(errors);
  return r;
}
