#!/usr/bin/env node
// Thin launcher: lets `npx streamflow` / `npm start` run the TypeScript CLI without a build step.
// Locally, Powertools' JSON logs would drown the progress bar and EMF metrics have no reader:
// keep warnings, and let the CLI summary report the figures. Set the variables to override.
import { register } from 'tsx/esm/api';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
register();
await import('./streamflow.ts');
