#!/usr/bin/env node
// Thin launcher: lets `npx streamflow` / `npm start` run the TypeScript CLI without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./streamflow.ts');
