/**
 * Import first, before anything that loads `lambdas/shared/powertools.ts`: the logger and metrics
 * read these at construction, once per module graph. Real instances, no output.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_SERVICE_NAME = 'streamflow-test';
