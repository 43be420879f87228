import { createCallerFactory, router } from './init';
import type { Services } from '../services';
import type { Clock } from '../clock';
import type { User } from '../services/users';
import { journeysRouter } from './routers/journeys';
import { segmentsRouter } from './routers/segments';
import { contactsRouter } from './routers/contacts';
import { policyRouter } from './routers/policy';
import { channelsRouter } from './routers/channels';
import { workspaceRouter } from './routers/workspace';
import { devRouter } from './routers/dev';
import { analyticsRouter } from './routers/analytics';
import { templatesRouter } from './routers/templates';
import { authRouter } from './routers/auth';
import { usersRouter } from './routers/users';
import { approvalsRouter } from './routers/approvals';
import { auditRouter } from './routers/audit';
import { backtestsRouter } from './routers/backtests';
import { sleepingRouter } from './routers/sleeping';
import { testingRouter } from './routers/testing';
import { migrationsRouter } from './routers/migrations';
import { agentTasksRouter } from './routers/agentTasks';

/**
 * Every procedure. `dev.*` answers only on a fake clock (CLOCK=fake); on a real
 * clock the server mounts `productionRouter`, which has no `dev` at all.
 */
const procedures = {
  journeys: journeysRouter,
  templates: templatesRouter,
  segments: segmentsRouter,
  contacts: contactsRouter,
  policy: policyRouter,
  channels: channelsRouter,
  workspace: workspaceRouter,
  analytics: analyticsRouter,
  auth: authRouter,
  users: usersRouter,
  approvals: approvalsRouter,
  audit: auditRouter,
  backtests: backtestsRouter,
  sleeping: sleepingRouter,
  testing: testingRouter,
  migrations: migrationsRouter,
  agentTasks: agentTasksRouter,
};

export const appRouter = router({ ...procedures, dev: devRouter });
export const productionRouter = router(procedures);

export type AppRouter = typeof appRouter;

/** In-process caller: tests and scripts call procedures without HTTP. */
export const createCaller = createCallerFactory(appRouter);

/** An in-process caller acting as `user` (tests, benches): the same role checks and audit log as over HTTP. */
export const callerAs = (services: Services, clock: Clock, user: User) => createCaller({ services, clock, user, actor: user.displayName, ip: null, requestId: null });
