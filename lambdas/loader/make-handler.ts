/**
 * The loader's middy shell, built from its dependencies: the AWS entry point (handler.ts, with
 * the Snowflake adapter) and the local twin (with DuckDB) both wrap exactly this.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { loaderRequestOf, type LoaderEvent } from './loader-request.js';
import { runLoader, type LoaderDeps, type LoaderSummary } from './run-loader.js';

export interface LoaderHandlerDeps extends LoaderDeps {
  readonly metrics: Metrics;
}

export const loadEvent = async (event: LoaderEvent, deps: LoaderHandlerDeps): Promise<LoaderSummary> => {
  const summary = await runLoader(loaderRequestOf(event), deps);
  deps.metrics.addMetric('FilesLoaded', MetricUnit.Count, summary.loaded);
  deps.metrics.addMetric('FilesSkipped', MetricUnit.Count, summary.skipped);
  // Alarmed on: a rejected file stays out of Bronze until someone fixes and re-drops it.
  deps.metrics.addMetric('FilesFailed', MetricUnit.Count, summary.failed);
  deps.metrics.addMetric('RowsLoaded', MetricUnit.Count, Object.values(summary.rowsLoaded).reduce((sum, rows) => sum + rows, 0));
  return summary;
};

export const makeLoaderHandler = (deps: LoaderHandlerDeps) =>
  middy(async (event: LoaderEvent) => loadEvent(event, deps))
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));

export type LoaderHandler = ReturnType<typeof makeLoaderHandler>;
