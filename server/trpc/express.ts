import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from 'express';
import { TRPCError, type AnyTRPCRouter } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  transformTRPCResponse,
  type AnyRootTypes,
  type RootConfig as Config,
} from '@trpc/server/unstable-core-do-not-import';

type RootConfig = Config<AnyRootTypes>;
import { createURL, incomingMessageToRequest, internal_exceptionHandler } from '@trpc/server/adapters/node-http';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';

type OnError = NonNullable<Parameters<typeof resolveResponse>[0]['onError']>;

export interface TrpcMiddlewareOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  createContext: (opts: CreateExpressContextOptions) => object | Promise<object>;
  maxBodySize: number;
  maxBatchSize: number;
  onError: (opts: Omit<Parameters<OnError>[0], 'req' | 'ctx'> & { req: ExpressRequest; ctx: object | undefined }) => void;
}

/**
 * tRPC's Express adapter, minus what it builds and reads back on every call:
 * with it, the tRPC layer cost more CPU than the query behind it (bench:api,
 * 500 requests/s). A single query by GET, what every dashboard poll is, is
 * answered here as tRPC's `resolveResponse` answers it (see `answerQuery`); the
 * rest goes through `resolveResponse` itself, with a GET read without a WHATWG
 * `Request` (its constructor alone ~35 µs) and a JSON answer written with one
 * `res.end` instead of a `WritableStream` pipe (~55 µs). A body (POST) still
 * goes through tRPC's `incomingMessageToRequest`, and a stream is still streamed.
 */
export function trpcMiddleware<TRouter extends AnyTRPCRouter>(opts: TrpcMiddlewareOptions<TRouter>): RequestHandler {
  const { router, maxBatchSize, maxBodySize } = opts;
  const config = router._def._config as unknown as RootConfig;
  return (req, res) => {
    // as tRPC's adapter: the procedure path is the last segment (`/trpc/a.b,c.d`)
    const path = req.path.slice(req.path.lastIndexOf('/') + 1);
    const fail = internal_exceptionHandler({ req, res, path, router, createContext: opts.createContext, onError: (o) => opts.onError({ ...o, req }) });
    void handle(req, res, path).catch(fail);
  };

  async function handle(req: ExpressRequest, res: ExpressResponse, path: string): Promise<void> {
    if (await answerQuery(req, res, path)) return;
    const request = req.method === 'GET' || req.method === 'HEAD' ? bodilessRequest(req, res) : incomingMessageToRequest(req, res, { maxBodySize });
    const response = await resolveResponse({
      router,
      req: request,
      path,
      maxBatchSize,
      error: null,
      createContext: async ({ info }) => await opts.createContext({ req, res, info }),
      onError: (o) => opts.onError({ ...o, req }),
    });
    await writeResponse(request, response, res);
  }

  /**
   * One query by GET (`/trpc/contacts.search?input=…`), answered as `resolveResponse`
   * answers it: the same body, status, `content-type` and `vary`, `onError` call and
   * error shape (express.test.ts compares the two), without a fetch `Response` to
   * build and read back. Anything else is declined (false) before any work and goes
   * the general way: a batch, a mutation or subscription, an unknown path, a stream
   * (`trpc-accept`), a content type, connection params.
   */
  async function answerQuery(req: ExpressRequest, res: ExpressResponse, rawPath: string): Promise<boolean> {
    if (req.method !== 'GET' || req.headers['content-type'] !== undefined || req.headers['trpc-accept'] !== undefined || req.headers.accept?.includes('application/jsonl')) return false;
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return false;
    }
    const url = createURL(req);
    const params = url.searchParams;
    if (params.get('batch') === '1' || params.has('connectionParams') || path.includes(',')) return false;
    const procedure = await getProcedureAtPath(router, path);
    if (procedure?._def.type !== 'query') return false;

    const signal = abortSignalOf(req, res);
    let input: { value: unknown } | null = null;
    const getRawInput = async () => {
      if (input) return input.value;
      try {
        const given = params.get('input');
        input = { value: given ? config.transformer.input.deserialize(JSON.parse(given)) : undefined };
        return input.value;
      } catch (cause) {
        // as tRPC's JSON handler words a bad input
        if (cause instanceof TRPCError) throw cause;
        throw new TRPCError({ code: 'BAD_REQUEST', message: cause instanceof Error ? cause.message : 'Invalid input', cause });
      }
    };
    const call = { batchIndex: 0, path, procedure, getRawInput, result: () => input?.value };
    let ctx: object | undefined;
    let created = false;
    let body: unknown;
    try {
      ctx = await opts.createContext({ req, res, info: { isBatchCall: false, accept: null, calls: [call], type: 'query', connectionParams: null, signal, url } });
      created = true;
      const data: unknown = await procedure({ path, getRawInput, ctx, type: 'query', signal, batchIndex: 0 });
      body = isDataStream(data)
        ? failure(new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink' }), ctx, undefined, req)
        : { result: { data } };
    } catch (cause) {
      body = failure(cause, created ? ctx : undefined, call, req);
    }
    if (res.statusCode === 200) res.statusCode = getHTTPStatusCode([body] as Parameters<typeof getHTTPStatusCode>[0]);
    res.setHeader('content-type', 'application/json');
    res.setHeader('vary', 'trpc-accept, accept');
    res.end(JSON.stringify(transformTRPCResponse(config, body as Parameters<typeof transformTRPCResponse>[1])));
    return true;
  }

  /** A failed call, reported to onError and shaped as resolveResponse does (`call` undefined: the answer itself failed). */
  function failure(cause: unknown, ctx: object | undefined, call: { path: string; result: () => unknown } | undefined, req: ExpressRequest) {
    const error = getTRPCErrorFromUnknown(cause);
    const input = call?.result();
    const path = call?.path;
    opts.onError({ error, path, input, ctx, type: 'query', req });
    const shape: unknown = getErrorShape({ config, ctx, error, input, path, type: 'query' });
    return { error: shape };
  }
}

/** tRPC refuses these in a plain JSON answer (they need a streaming link): left to it to refuse. */
function isDataStream(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (isAsyncIterable(v)) return true;
  return Object.values(v).some((x) => isPromise(x) || isAsyncIterable(x));
}

/** A signal that fires when the client goes away before the answer, as `incomingMessageToRequest` sets it up. */
function abortSignalOf(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  const onAbort = () => {
    res.off('close', onClose);
    req.off('aborted', onAbort);
    ac.abort();
  };
  const onClose = () => {
    if (res.writableEnded) req.off('aborted', onAbort);
    else onAbort();
  };
  res.once('close', onClose);
  req.once('aborted', onAbort);
  return ac.signal;
}

/** What tRPC reads of a GET: url, method, headers and the abort signal. */
function bodilessRequest(req: IncomingMessage, res: ServerResponse): Request {
  const signal = abortSignalOf(req, res);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.append(key, value);
  }
  const url = createURL(req).href;
  const method = req.method ?? 'GET';
  // resolveResponse and its JSON handler read exactly these for a bodiless call; a cast, not a full Request (see above)
  return { url, method, headers, signal } as unknown as Request;
}

async function writeResponse(request: Request, response: Response, res: ServerResponse): Promise<void> {
  if (res.statusCode === 200) res.statusCode = response.status;
  for (const [key, value] of response.headers) if (key.toLowerCase() !== 'set-cookie') res.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  try {
    if (!response.body) return;
    if (response.headers.get('content-type') === 'application/json') {
      // one JSON document, already a string inside the Response: one write
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    // a stream (jsonl, SSE): chunk by chunk, as it is produced
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (request.signal.aborted) break;
      if (!res.write(chunk)) await new Promise<void>((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
    }
  } catch (e) {
    if (!res.headersSent) res.statusCode = 500;
    throw e;
  } finally {
    if (!res.writableEnded) res.end();
  }
}
