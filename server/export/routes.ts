import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import express, { type Response, Router } from 'express';
import type { Services } from '../services';
import type { Clock } from '../clock';
import type { Db } from '../db/client';
import { clientIp, sameOrigin, sessionToken } from '../auth/http';
import { requestIdOf } from '../http/requestId';
import { hasRole, seesPii } from '../../shared/auth/roles';
import { ServiceError } from '../services/errors';
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
    if (!user) return void res.status(401).json({ error: 'sign in first' });
    if (!sameOrigin(req)) return void res.status(403).json({ error: 'cross-site request refused: send it from the app, or with the x-journeys-client header' });
    if (!hasRole(user.roles, 'analyst') && !hasRole(user.roles, 'operator')) return void res.status(403).json({ error: 'exporting an audience needs the analyst or operator role' });
    const parsed = ExportRequest.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      return void res.status(400).json({ error: `${path ? `${path}: ` : ''}${issue?.message ?? 'bad request'}`, field: path });
    }
    let prepared;
    try {
      prepared = audience.prepare(parsed.data, { pii: seesPii(user.roles) });
    } catch (e) {
      if (e instanceof ServiceError) return void res.status(e.code === 'NOT_FOUND' ? 404 : 400).json({ error: e.message });
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
    if (!user) return void res.status(401).json({ error: 'sign in first' });
    if (!sameOrigin(req)) return void res.status(403).json({ error: 'cross-site request refused: send it from the app, or with the x-journeys-client header' });
    if (!hasRole(user.roles, 'analyst')) return void res.status(403).json({ error: 'exporting the outbox needs the analyst role (the outbox is theirs)' });
    const parsed = OutboxFilter.safeParse((req.body as { filter?: unknown } | undefined)?.filter ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      return void res.status(400).json({ error: `${path ? `filter.${path}: ` : ''}${issue?.message ?? 'bad request'}`, field: path });
    }
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
