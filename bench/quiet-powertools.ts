/**
 * Import first, before anything that loads `lambdas/shared/powertools.ts`: the same settings as the
 * CLI launcher (warnings only, no EMF metrics on stdout), so the bench measures the CLI's handler.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
