import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import express, { type Response, Router } from 'express';
import type { Services } from '../services';
import type { Clock } from '../clock';
import type { Db } from '../db/client';
import { clientIp, sameOrigin, sessionToken } from '../auth/http';
import { requestIdOf } from '../http/requestId';
import { hasRole, seesPii } from '../../shared/auth/roles';
import { refuse, ServiceError } from '../services/errors';
import { invalidBody, refusal } from '../http/refusal';
import { createAudienceExport, ExportRequest } from './audience';
import type { PreparedExport } from './csv';
import { createOutboxExport } from './outbox';
import { OutboxFilter } from '../outbox/filter';

/** Resolves when the socket can take more, or has gone (the reader left): never waits forever. */
const writable = (res: Response): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/**
 * Write a prepared export as a CSV download: its row count in X-Total-Rows for
 * a progress bar, a BOM so a spreadsheet reads Chinese as UTF-8, then the rows
 * as they are read, waiting for a full socket and giving way between chunks.
 */
export async function streamCsv(res: Response, prepared: PreparedExport, name: string): Promise<void> {
  res.status(200);
  res.set({
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}.csv"`,
    'x-total-rows': String(prepared.total),
    'cache-control': 'no-store',
  });
  let gone = false;
  res.on('close', () => {
    gone = true;
  });
  res.write(`\uFEFF${prepared.header}`);
  for (const chunk of prepared.chunks()) {
    if (gone) break; // the generator's finally ends the read
    // a full socket is waited for; a fast one (a local reader, a roomy kernel buffer) is not, but the loop still
    // gives way after every chunk, so the API's other requests are served during a long export
    if (!res.write(chunk)) await writable(res);
    else await setImmediatePromise();
  }
  prepared.close();
  res.end();
}

const safeName = (s: string): string => s.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'audience';

/**
 * `POST /export/audience.csv` `{source, columns}`: an audience as CSV,
 * streamed as it is read (a million rows never sit in memory: the writer
 * waits for the socket to drain), with its row count in `X-Total-Rows` for a
 * progress bar. Under the session like the app (analysts and operators,
 * admins), from the app's own origin or with the client header; phones (and
 * emails) masked unless the user sees PII; recorded in the audit log first.
 */
export function exportRoutes(db: Db, services: Services, clock: Clock): Router {
  const audience = createAudienceExport(db, () => clock.now());
  const outbox = createOutboxExport(db);
  const r = Router();
  r.post('/audience.csv', express.json({ limit: '64kb' }), async (req, res) => {
    const user = services.users.authenticate(sessionToken(req))?.user ?? null;
    if (!user) return refusal(res, 401, refuse('UNAUTHORIZED', 'sign_in_first', {}));
    if (!sameOrigin(req)) return refusal(res, 403, refuse('FORBIDDEN', 'cross_site_refused', {}));
    if (!hasRole(user.roles, 'analyst') && !hasRole(user.roles, 'operator')) return refusal(res, 403, refuse('FORBIDDEN', 'export_needs_role', { what: 'audience' }));
    const parsed = ExportRequest.safeParse(req.body);
    if (!parsed.success) return invalidBody(res, parsed.error);
    let prepared;
    try {
      prepared = audience.prepare(parsed.data, { pii: seesPii(user.roles) });
    } catch (e) {
      if (e instanceof ServiceError) return refusal(res, e.code === 'NOT_FOUND' ? 404 : 400, e);
      throw e;
    }
    try {
      const d = prepared.describe;
      await services.audit.inTransaction(
        () => Promise.resolve(null),
        () => ({ actor: user, action: 'audience.export', objectType: d.source, objectId: d.objectId, diff: d, requestId: requestIdOf(res), ip: clientIp(req) }),
      );
    } catch (e) {
      prepared.close();
      throw e;
    }
    await streamCsv(res, prepared, safeName(prepared.describe.objectId));
  });

  r.post('/outbox.csv', express.json({ limit: '16kb' }), async (req, res) => {
    const user = services.users.authenticate(sessionToken(req))?.user ?? null;
    if (!user) return refusal(res, 401, refuse('UNAUTHORIZED', 'sign_in_first', {}));
    if (!sameOrigin(req)) return refusal(res, 403, refuse('FORBIDDEN', 'cross_site_refused', {}));
    if (!hasRole(user.roles, 'analyst')) return refusal(res, 403, refuse('FORBIDDEN', 'export_needs_role', { what: 'outbox' }));
    const parsed = OutboxFilter.safeParse((req.body as { filter?: unknown } | undefined)?.filter ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error, 'filter.');
    const prepared = outbox.prepare(parsed.data);
    try {
      const d = prepared.describe;
      await services.audit.inTransaction(
        () => Promise.resolve(null),
        () => ({ actor: user, action: 'outbox.export', objectType: 'outbox', objectId: d.objectId, diff: { filter: parsed.data, rows: d.rows }, requestId: requestIdOf(res), ip: clientIp(req) }),
      );
    } catch (e) {
      prepared.close();
      throw e;
    }
    await streamCsv(res, prepared, 'outbox');
  });
  return r;
}
