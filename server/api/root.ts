import { curateRouter } from './routers/curate';
import { datasetRouter } from './routers/dataset';
import { metricRouter } from './routers/metric';
import { rolloutRouter } from './routers/rollout';
import { runRouter } from './routers/run';
import { systemRouter } from './routers/system';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  run: runRouter,
  metric: metricRouter,
  rollout: rolloutRouter,
  system: systemRouter,
  dataset: datasetRouter,
  curate: curateRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
