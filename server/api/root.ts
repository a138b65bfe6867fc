import { evalRouter } from './routers/eval';
import { resultsRouter } from './routers/results';
import { analysisRouter } from './routers/analysis';
import { apiTokenRouter } from './routers/api-token';
import { authRouter } from './routers/auth';
import { curateRouter } from './routers/curate';
import { datasetRouter } from './routers/dataset';
import { metricRouter } from './routers/metric';
import { rolloutRouter } from './routers/rollout';
import { runRouter } from './routers/run';
import { runnerTokenRouter } from './routers/runner-token';
import { significanceRouter } from './routers/significance';
import { annotationRouter } from './routers/span-annotation';
import { captionSourceRouter } from './routers/caption-source';
import { systemRouter } from './routers/system';
import { userRouter } from './routers/user';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  run: runRouter,
  metric: metricRouter,
  rollout: rolloutRouter,
  system: systemRouter,
  eval: evalRouter,
  auth: authRouter,
  user: userRouter,
  apiToken: apiTokenRouter,
  runnerToken: runnerTokenRouter,
  annotation: annotationRouter,
  captionSource: captionSourceRouter,
  dataset: datasetRouter,
  curate: curateRouter,
  significance: significanceRouter,
  results: resultsRouter,
  analysis: analysisRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
