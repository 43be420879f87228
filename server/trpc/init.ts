import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Services } from '../services';
import type { Clock } from '../clock';
import type { User } from '../services/users';
import { ServiceError, refuse } from '../services/errors';
import { zodIssueParams } from '../../shared/i18n/zodIssues';
import { hasRole, type Role } from '../../shared/auth/roles';
import { redacted } from '../../shared/util/compactDiff';
import { auditOf, type AuditMeta } from './auditing';
import { cleanTextMessage, uncleanTexts } from '../../shared/util/cleanInput';

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
const serviceError = (error: TRPCError): TRPCError => (error.cause instanceof ServiceError ? new TRPCError({ code: error.cause.code, message: error.cause.message, cause: error.cause }) : error);

/** No session: UNAUTHORIZED. A session without the role: FORBIDDEN, naming the role. Runs before the input is read. */
function authorized(user: User | null, meta: Meta | undefined, path: string): User {
  if (!user) throw refuse('UNAUTHORIZED', 'sign_in_first', {});
  if (!meta?.role) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `${path} declares no role` });
  if (!hasRole(user.roles, meta.role)) throw refuse('FORBIDDEN', 'needs_role', { path, role: meta.role });
  return user;
}

/** No procedure takes a NUL or a lone surrogate, in a name, a key or a template: refused before its own schema, each at its field. */
const CleanInput = z.unknown().superRefine((input, ctx) => {
  for (const { path, message } of uncleanTexts(input)) ctx.addIssue({ code: 'custom', path, message });
});

class Rollback extends Error {
  constructor(readonly result: unknown) {
    super('rolled back');
  }
}

/**
 * What every procedure runs around its resolver, in one tRPC middleware rather
 * than one each (every middleware copies the call's options and context: three
 * cost ~40 µs more a call than one, on every dashboard poll): `authorized`, then
 * for a mutation the audit row, and any ServiceError, from here or from the
 * resolver, becomes the matching tRPC error.
 *
 * Every mutation runs in one SQLite transaction with its audit row (who, what,
 * before → after, request id, IP): a change that fails leaves no row. A
 * procedure whose work is not synchronous (dev.advanceClock drives the engine
 * and providers) sets `audit.outside` and is recorded after it succeeds.
 */
const guarded = t.middleware(async ({ ctx, meta, path, type, getRawInput, next }) => {
  let user: User;
  try {
    user = authorized(ctx.user, meta, path);
  } catch (e) {
    throw serviceError(getTRPCErrorFromUnknown(e));
  }
  const clean = CleanInput.safeParse(await getRawInput());
  if (!clean.success) throw new TRPCError({ code: 'BAD_REQUEST', message: clean.error.issues[0]?.message ?? cleanTextMessage, cause: clean.error });
  const proceed = () => next({ ctx: { user } });
  type Result = Awaited<ReturnType<typeof proceed>>;

  const audited = async (): Promise<Result> => {
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
      const r = await proceed();
      if (r.ok) ctx.services.audit.record(entry(r.data, null));
      return r;
    }
    let before: unknown = null;
    try {
      return await ctx.services.audit.inTransaction(
        async () => {
          before = describe.before();
          const r = await proceed();
          if (!r.ok) throw new Rollback(r);
          return r;
        },
        (r) => entry(r.ok ? r.data : null, before),
      );
    } catch (e) {
      if (e instanceof Rollback) return e.result as Result;
      throw e;
    }
  };

  let res: Result;
  try {
    res = type === 'mutation' ? await audited() : await proceed();
  } catch (e) {
    throw serviceError(getTRPCErrorFromUnknown(e));
  }
  if (!res.ok) {
    const mapped = serviceError(res.error);
    if (mapped !== res.error) throw mapped;
  }
  return res;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The only way to make a procedure: it names the role it needs (the role-table test walks them all). */
export const procedure = (role: Role, audit?: AuditMeta) => t.procedure.meta({ role, audit }).use(guarded);
