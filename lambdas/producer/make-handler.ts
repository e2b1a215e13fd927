/**
 * The producer's middy shell: on a schedule tick it publishes the configured amount of demo
 * traffic; invoked by hand it also takes `{"events": N, "dirtyRate": R, "seed": S}`.
 */
import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { z } from 'zod';
import type { EventPublisher } from '../shared/ports/event-publisher.js';
import { publishDemoTraffic, type DemoTrafficSummary } from './publish-demo-traffic.js';

export interface ProducerSettings {
  readonly events: number;
  readonly windowMinutes: number;
  readonly dirtyRate: number;
}

export interface ProducerDeps {
  /** Opens a publisher for one invocation; it is closed when the invocation ends. */
  readonly connect: () => Promise<EventPublisher>;
  readonly settings: ProducerSettings;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
}

/** Overrides a manual invocation may carry; a schedule tick carries none of these keys. */
const overridesSchema = z.object({
  events: z.number().int().min(1).max(1_000_000).optional(),
  dirtyRate: z.number().min(0).max(1).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});

export const produceDemoTraffic = async (event: unknown, deps: ProducerDeps): Promise<DemoTrafficSummary> => {
  const overrides = overridesSchema.parse(event ?? {});
  const publisher = await deps.connect();
  try {
    const summary = await publishDemoTraffic(publisher, {
      events: overrides.events ?? deps.settings.events,
      dirtyRate: overrides.dirtyRate ?? deps.settings.dirtyRate,
      windowMinutes: deps.settings.windowMinutes,
      now: (deps.now ?? (() => new Date()))(),
      ...(overrides.seed === undefined ? {} : { seed: overrides.seed }),
    });
    deps.metrics.addMetric('EventsPublished', MetricUnit.Count, summary.published);
    deps.logger.info('demo traffic published', { ...summary });
    return summary;
  } finally {
    await publisher.close();
  }
};

export const makeProducerHandler = (deps: ProducerDeps) =>
  middy(async (event: unknown) => produceDemoTraffic(event, deps))
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
