/**
 * The loader's middy shell, built from its dependencies: the AWS entry point (handler.ts, with
 * the Snowflake adapter) and the local twin (with DuckDB) both wrap exactly this.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { trainChurnModel } from '../churn/train-churn-model.js';
import { latestCheckResults } from '../warehouse/dq-checks.js';
import type { SQSBatchItemFailure } from 'aws-lambda';
import { loaderRequestOf, type LoaderEvent, type LoaderRequest } from './loader-request.js';
import { runLoader, type LoaderDeps, type LoaderSummary } from './run-loader.js';

/**
 * The summary of a load; for a queued batch also the partial batch response: the messages whose
 * file a later load must still settle, and those that named no object, return to the queue
 * (FunctionResponseTypes ReportBatchItemFailures; https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 * Lambda reads only `batchItemFailures`; the rest is for the local twin and the tests.
 */
export type LoaderResponse = LoaderSummary & { readonly batchItemFailures?: readonly SQSBatchItemFailure[] };

export interface LoaderHandlerDeps extends LoaderDeps {
  readonly metrics: Metrics;
  /**
   * Re-train the churn model on scheduled ticks: in AWS, where the Snowflake tasks rebuild
   * gold.churn_features and no task can run TypeScript. The local twin trains after its own
   * refresh instead (lambdas/local/warehouse-stage.ts). @default false
   */
  readonly trainsChurnModel?: boolean;
}

/** Trains and stores the churn model; like the data quality metric, never allowed to fail the load. */
const retrainChurnModel = async (deps: LoaderHandlerDeps): Promise<void> => {
  try {
    const outcome = await trainChurnModel(deps.warehouse);
    if (outcome.trained) deps.logger.info('churn model trained', { modelVersion: outcome.evaluation.modelVersion, auc: outcome.evaluation.auc });
    else deps.logger.info('churn model not re-trained', { reason: outcome.reason });
  } catch (error) {
    deps.logger.warn('could not train the churn model', { error: (error as Error).message });
  }
};

/**
 * Publishes how many `error` checks of the latest data quality run found violations. The checks
 * run inside the warehouse (a Snowflake task), where no metric can be emitted; the scheduled
 * loader tick is the pipeline's heartbeat, so it reports them. A failure to read the results is
 * logged, never allowed to fail the load.
 */
const publishDataQuality = async (deps: LoaderHandlerDeps): Promise<void> => {
  try {
    const latest = await latestCheckResults(deps.warehouse);
    const failing = latest?.results.filter((check) => check.severity === 'error' && check.violations > 0) ?? [];
    deps.metrics.addMetric('DataQualityFailures', MetricUnit.Count, failing.length);
    if (failing.length > 0) deps.logger.warn('data quality checks failing', { checks: failing.map((check) => check.name), runId: latest?.runId });
  } catch (error) {
    deps.logger.warn('could not read the latest data quality results', { error: (error as Error).message });
  }
};

/** The messages of a queued batch that go back to the queue. */
const failedMessages = (request: Extract<LoaderRequest, { kind: 'objects' }>, summary: LoaderSummary, deps: LoaderHandlerDeps): SQSBatchItemFailure[] => {
  if (request.unreadable.length > 0) deps.logger.error('queued messages that are not S3 "Object Created" events', { messageIds: request.unreadable });
  const unsettled = new Set(summary.unsettled);
  return [...request.unreadable, ...request.objects.filter((object) => unsettled.has(object.key)).map((object) => object.messageId)].map((itemIdentifier) => ({ itemIdentifier }));
};

export const loadEvent = async (event: LoaderEvent, deps: LoaderHandlerDeps): Promise<LoaderResponse> => {
  const request = loaderRequestOf(event);
  const summary = await runLoader(request, deps);
  if (request.kind === 'pending') await publishDataQuality(deps);
  if (request.kind === 'pending' && deps.trainsChurnModel) await retrainChurnModel(deps);
  deps.metrics.addMetric('FilesLoaded', MetricUnit.Count, summary.loaded);
  deps.metrics.addMetric('FilesSkipped', MetricUnit.Count, summary.skipped);
  // Alarmed on: a rejected file stays out of Bronze until someone fixes and re-drops it.
  deps.metrics.addMetric('FilesFailed', MetricUnit.Count, summary.failed);
  deps.metrics.addMetric('RowsLoaded', MetricUnit.Count, Object.values(summary.rowsLoaded).reduce((sum, rows) => sum + rows, 0));
  return request.kind === 'objects' ? { ...summary, batchItemFailures: failedMessages(request, summary, deps) } : summary;
};

export const makeLoaderHandler = (deps: LoaderHandlerDeps) =>
  middy(async (event: LoaderEvent) => loadEvent(event, deps))
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));

export type LoaderHandler = ReturnType<typeof makeLoaderHandler>;
