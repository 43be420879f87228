import { createCallerFactory, router } from './init';
import { journeysRouter } from './routers/journeys';

export const appRouter = router({
  journeys: journeysRouter,
});

export type AppRouter = typeof appRouter;

/** In-process caller: tests and scripts call procedures without HTTP. */
export const createCaller = createCallerFactory(appRouter);
