import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Services } from '../services';
import type { Clock } from '../clock';
import { ServiceError } from '../services/errors';

export interface Context {
  services: Services;
  clock: Clock;
  /** who is acting; a real login replaces this later */
  actor: string;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        details: cause instanceof ServiceError ? (cause.details ?? null) : null,
        issues: cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : null,
      },
    };
  },
});

/** Services refuse with a ServiceError; the client sees the matching tRPC code, message and details. */
const serviceErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok && res.error.cause instanceof ServiceError)
    throw new TRPCError({ code: res.error.cause.code, message: res.error.cause.message, cause: res.error.cause });
  return res;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(serviceErrors);
export const createCallerFactory = t.createCallerFactory;
