import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Services } from '../services';
import type { Clock } from '../clock';
import type { User } from '../services/users';
import { ServiceError, refuse } from '../services/errors';
import { zodIssueParams } from '../../shared/i18n/zodIssues';
import { hasRole, type Role } from '../../shared/auth/roles';
import { redacted } from '../../shared/util/compactDiff';
import { auditOf, type AuditMeta } from './auditing';

export interface Context {
  services: Services;
  clock: Clock;
  /** the signed-in user, or null (every procedure then answers UNAUTHORIZED) */
  user: User | null;
  /** the session this call came with (HTTP only): a password change keeps it and ends the others */
  sessionId?: string | null;
  /** the name versions and history record: the user's display name */
  actor: string;
  /** for the audit log */
  ip: string | null;
  requestId: string | null;
}

/** What each procedure declares: the role it needs, and how the audit log describes its changes. */
export interface Meta {
  role: Role;
  audit?: AuditMeta;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        data: {
          ...shape.data,
          details: cause instanceof ServiceError ? (cause.details ?? null) : null,
          /** the message by its stable code and params (shared/i18n/serverMessages.ts): the client words it in the reader's language */
          messageRef: cause instanceof ServiceError ? (cause.messageRef ?? null) : null,
          issues: cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message, ...zodIssueParams(i) })) : null,
        },
      };
    },
  });

/** Services refuse with a ServiceError; the client sees the matching tRPC code, message and details. */
const serviceErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok && res.error.cause instanceof ServiceError) throw new TRPCError({ code: res.error.cause.code, message: res.error.cause.message, cause: res.error.cause });
  return res;
});

/** No session: UNAUTHORIZED. A session without the role: FORBIDDEN, naming the role. Runs before the input is read. */
const authorize = t.middleware(({ ctx, meta, path, next }) => {
  if (!ctx.user) throw refuse('UNAUTHORIZED', 'sign_in_first', {});
  if (!meta?.role) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `${path} declares no role` });
  if (!hasRole(ctx.user.roles, meta.role)) throw refuse('FORBIDDEN', 'needs_role', { path, role: meta.role });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

class Rollback extends Error {
  constructor(readonly result: unknown) {
    super('rolled back');
  }
}

/**
 * Every mutation runs in one SQLite transaction with its audit row (who, what,
 * before → after, request id, IP): a change that fails leaves no row. A
 * procedure whose work is not synchronous (dev.advanceClock drives the engine
 * and providers) sets `audit.outside` and is recorded after it succeeds.
 */
const audited = t.middleware(async ({ ctx, meta, path, type, getRawInput, next }) => {
  if (type !== 'mutation' || !ctx.user) return next();
  const user = ctx.user;
  const input = await getRawInput();
  const describe = auditOf(meta?.audit, ctx.services, input);
  const entry = (result: unknown, before: unknown) => {
    const d = describe.after(before, result);
    // no snapshot, or nothing it shows changed (a publish that became a request): what was asked and answered
    const changed = d.diff !== undefined && !(typeof d.diff === 'object' && d.diff !== null && Object.keys(d.diff).length === 0);
    const diff = changed ? d.diff : { input: redacted(input, 2), result: redacted(result, 2) };
    return { actor: user, action: path, objectType: d.objectType, objectId: d.objectId, diff, requestId: ctx.requestId, ip: ctx.ip };
  };
  if (meta?.audit?.outside) {
    const res = await next();
    if (res.ok) ctx.services.audit.record(entry(res.data, null));
    return res;
  }
  let before: unknown = null;
  try {
    return await ctx.services.audit.inTransaction(
      async () => {
        before = describe.before();
        const res = await next();
        if (!res.ok) throw new Rollback(res);
        return res;
      },
      (res) => entry(res.ok ? res.data : null, before),
    );
  } catch (e) {
    if (e instanceof Rollback) return e.result as Awaited<ReturnType<typeof next>>;
    throw e;
  }
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The only way to make a procedure: it names the role it needs (the role-table test walks them all). */
export const procedure = (role: Role, audit?: AuditMeta) => t.procedure.meta({ role, audit }).use(serviceErrors).use(authorize).use(audited);
