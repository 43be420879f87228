import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { Services } from '../services';
import { clientIp, sameOrigin, sessionToken } from '../auth/http';
import { requestIdOf } from '../http/requestId';
import { hasRole } from '../../shared/auth/roles';
import { badRowsCsv } from '../ingest/csvImport';
import { streamCsv } from '../export/routes';
import { prepareTaskExport } from './csv';
import { refuse, ServiceError } from '../services/errors';
import { zodIssueParams } from '../../shared/i18n/zodIssues';

const HandOver = z.object({
  team: z.string().trim().min(1, 'name the team').max(60, 'a team name is at most 60 characters').default('default'),
  limit: z.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(10_000, 'limit is at most 10000').default(500),
});

/** A refusal as JSON: its English, and its stable code for the client to word in the reader's language (shared/i18n/serverMessages.ts). */
const refusal = (res: Response, status: number, e: ServiceError): void => void res.status(status).json({ error: e.message, messageRef: e.messageRef ?? null });

/** How many refused rows the answer lists; the error file holds them all. */
const listedBad = 100;

/**
 * The outside call centre's files, under the session like the app, from its
 * own origin, for analysts (who see phone numbers and own exports):
 * `POST /agent-tasks/export.csv` `{team, limit}` hands a team's best due
 * tasks over and streams them as CSV; `POST /agent-tasks/outcomes.csv` (a CSV
 * body `task_id,outcome,note`) records what came of them, answering with the
 * counts and the error file of refused rows, as the contacts import writes it.
 * Both are recorded in the audit log.
 */
export function agentTaskRoutes(db: Db, services: Services): Router {
  const r = Router();
  const analyst = (req: Request, res: Response) => {
    const user = services.users.authenticate(sessionToken(req))?.user ?? null;
    if (!user) return refusal(res, 401, refuse('UNAUTHORIZED', 'sign_in_first', {}));
    if (!sameOrigin(req)) return refusal(res, 403, refuse('FORBIDDEN', 'cross_site_refused', {}));
    if (!hasRole(user.roles, 'analyst')) return refusal(res, 403, refuse('FORBIDDEN', 'call_files_need_analyst', {}));
    return user;
  };

  r.post('/export.csv', express.json({ limit: '4kb' }), async (req, res) => {
    const user = analyst(req, res);
    if (!user) return;
    const parsed = HandOver.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      // each issue with its zod code and params too, as the tRPC errors send them, for the client to word (client/i18n/serverText.ts)
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, ...zodIssueParams(i) }));
      return void res.status(400).json({ error: `${path ? `${path}: ` : ''}${issue?.message ?? 'bad request'}`, field: path, messageRef: null, issues });
    }
    const h = await services.audit.inTransaction(
      () => Promise.resolve(services.agentTasks.handOver(user, parsed.data.team, parsed.data.limit)),
      (x) => ({
        actor: user,
        action: 'agent_tasks.export',
        objectType: 'agent_tasks',
        objectId: parsed.data.team,
        diff: { ...parsed.data, handedOver: x.moved },
        requestId: requestIdOf(res),
        ip: clientIp(req),
      }),
    );
    await streamCsv(res, prepareTaskExport(db, h.holder, h.at), `calls-${parsed.data.team.replace(/[^\w.-]+/g, '_')}`);
  });

  r.post('/outcomes.csv', async (req, res) => {
    const user = analyst(req, res);
    if (!user) return;
    let report;
    try {
      report = await services.agentTasks.importOutcomes(req);
    } catch (e) {
      // the file as a whole was refused: a header without task_id or outcome (by its code), an empty file or a broken header (the shared reader's English)
      if (e instanceof ServiceError) return refusal(res, 400, e);
      return void res.status(400).json({ error: e instanceof Error ? e.message : String(e), messageRef: null });
    }
    await services.audit.inTransaction(
      () => Promise.resolve(null),
      () => ({
        actor: user,
        action: 'agent_tasks.import',
        objectType: 'agent_tasks',
        objectId: null,
        diff: { rows: report.rows, recorded: report.recorded, refused: report.bad.length },
        requestId: requestIdOf(res),
        ip: clientIp(req),
      }),
    );
    res.json({ rows: report.rows, recorded: report.recorded, bad: report.bad.slice(0, listedBad), errorsCsv: report.bad.length ? badRowsCsv(report.bad) : null });
  });
  return r;
}
