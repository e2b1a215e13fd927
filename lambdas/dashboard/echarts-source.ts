/**
 * The ECharts browser build, read from node_modules to be inlined into the dashboard (it must
 * work offline from file://, so no CDN). The package exports only its entry points, so the
 * minified build is found next to the CommonJS one.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: Promise<string> | undefined;

/** The source of `echarts/dist/echarts.min.js` (all chart types, about 1 MB), read once per process. */
export const echartsSource = (): Promise<string> => {
  if (!cached) {
    cached = readFile(join(dirname(createRequire(import.meta.url).resolve('echarts')), 'echarts.min.js'), 'utf8');
    // A failed read is not remembered: the next dashboard tries again.
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
};
