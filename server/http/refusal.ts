import type { Response } from 'express';
import type { ZodError } from 'zod';
import type { ServiceError } from '../services/errors';
import { zodIssueParams } from '../../shared/i18n/zodIssues';

/**
 * A REST refusal as JSON, shaped as the tRPC errors are read (issue 18): its
 * English in `error`, its stable code and params in `messageRef` for the
 * client to word in the reader's language (client/i18n/serverText.ts).
 */
export const refusal = (res: Response, status: number, e: ServiceError): void => void res.status(status).json({ error: e.message, messageRef: e.messageRef ?? null });

/** A body that failed its schema: the first issue in English (with its path, under `prefix`), and every issue with its zod code and params. */
export function invalidBody(res: Response, error: ZodError, prefix = ''): void {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const issues = error.issues.map((i) => ({ path: `${prefix}${i.path.join('.')}`, message: i.message, ...zodIssueParams(i) }));
  res.status(400).json({ error: `${path ? `${prefix}${path}: ` : ''}${issue?.message ?? 'bad request'}`, field: path, messageRef: null, issues });
}
