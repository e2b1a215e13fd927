/**
 * Recomputes the cost and delay model from the figures bench/results.json already holds, writes
 * its `cost` and `freshness.cloudModel` back, and regenerates docs/cost.md:
 *   npx tsx bench/cost.ts [--results FILE] [--doc FILE]
 * `npm run bench` does the same after measuring; this is for when only prices or presets change.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderCostDoc } from './cost-doc.js';
import { costModel, type CostModel } from './cost-model.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface StoredResults {
  readonly startedAt: string;
  readonly cost?: CostModel;
  readonly freshness?: { readonly cycleP95Ms?: number; readonly cloudModel?: unknown };
}

const { values } = parseArgs({ options: { results: { type: 'string' }, doc: { type: 'string' } } });
const resultsFile = resolve(values.results ?? join(ROOT, 'bench/results.json'));
const docFile = resolve(values.doc ?? join(ROOT, 'docs/cost.md'));

const results = JSON.parse(await readFile(resultsFile, 'utf8')) as StoredResults & Record<string, unknown>;
if (!results.cost?.measured) throw new Error(`${resultsFile} has no cost.measured figures: run \`npm run bench\` first`);
const model = costModel(results.cost.measured, (results.freshness?.cycleP95Ms ?? 1800) / 1000);
const updated = {
  ...results,
  ...(results.freshness ? { freshness: { ...results.freshness, cloudModel: { p50Seconds: model.freshness.gold.p50Seconds, p95Seconds: model.freshness.gold.p95Seconds } } } : {}),
  cost: model,
};
await writeFile(resultsFile, `${JSON.stringify(updated, null, 2)}\n`);
await writeFile(docFile, renderCostDoc(model, `the measured figures of the bench run of ${results.startedAt.slice(0, 10)}`));
console.log(`cost: ${model.allIn.map((at) => `${at.eventsPerMonth / 1e6}M/month $${at.pipelineUsdPerMillion}/M (Firehose $${at.firehoseUsdPerMillion})`).join('; ')}`);
console.log(`idle: dev $${model.idlePerMonth.dev}, prod $${model.idlePerMonth.prod}; event -> Gold p50 ${model.freshness.gold.p50Seconds} s, p95 ${model.freshness.gold.p95Seconds} s`);
