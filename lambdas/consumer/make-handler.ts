/** The consumer's middy shell, built from its dependencies so AWS and the local twin share it. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MSKEvent } from 'aws-lambda';
import { consumeEvent, type ConsumerDeps } from './consume-event.js';

export const makeConsumerHandler = (deps: ConsumerDeps) =>
  middy(async (event: MSKEvent) => consumeEvent(event, deps))
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));

export type ConsumerHandler = ReturnType<typeof makeConsumerHandler>;
