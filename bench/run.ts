/**
 * `npm run bench`: the performance figures of issue 8, measured side by side in one run on this
 * machine, written to bench/results.json and printed as tables. Not part of `npm test`.
 *
 *   --quick           shorter runs (fewer repetitions, 10k/100k end to end, 20 s of streaming)
 *   --only LIST       some of: transform,end-to-end,freshness,memory (default: all)
 *   --rate N          freshness stream, events per second (default 2000)
 *   --out FILE        where to write the results (default bench/results.json)
 */
import './quiet-powertools.js';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderCostDoc } from './cost-doc.js';
import { costModel } from './cost-model.js';
import { benchEndToEnd } from './end-to-end.js';
import { benchFreshness } from './freshness.js';
import { benchLambdaMemory } from './lambda-memory.js';
import { round } from './measure.js';
import { judgeTargets, renderResults, type BenchResults } from './report.js';
import { benchTransformApart } from './transform.js';

const SECTIONS = ['transform', 'end-to-end', 'freshness', 'memory'] as const;
type Section = (typeof SECTIONS)[number];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    rate: { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});
const quick = values.quick ?? false;
const only = (values.only?.split(',') ?? SECTIONS) as Section[];
const unknown = only.filter((section) => !SECTIONS.includes(section));
if (unknown.length > 0) throw new Error(`--only takes ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
const rate = Number(values.rate ?? 2000);
if (!Number.isInteger(rate) || rate < 1) throw new Error('--rate takes a positive whole number of events per second');
const outFile = resolve(values.out ?? join(ROOT, 'bench/results.json'));
const log = (line: string): void => console.error(`bench: ${line}`);

const started = performance.now();
const startedAt = new Date().toISOString();
const loadavgStart = loadavg().map((load) => round(load, 2));
// The child-process sections first: their figures are the least disturbed by this process's heap.
const endToEnd = only.includes('end-to-end') ? await benchEndToEnd({ quick, root: ROOT, log }) : undefined;
const lambdaMemory = only.includes('memory') ? await benchLambdaMemory({ quick, root: ROOT, log }) : undefined;
// Freshness runs in this process and times every cycle on the live clock; the transform, which
// left a heap of 6 MB batches whose collection paused the cycles (p95 2.8 s after it vs 2.4 s
// alone) and was itself slowed by the heap freshness left (bench/transform-child.ts), has a process
// of its own.
const freshness = only.includes('freshness') ? await benchFreshness({ quick, eventsPerSec: rate, log }) : undefined;
const transform = only.includes('transform') ? await benchTransformApart({ quick, root: ROOT, log }) : undefined;

const records = transform?.batches.reduce((sum, batch) => sum + batch.records, 0) ?? 0;
const cost = transform
  ? costModel(
      {
        consumerCpuMsPerRecord: round(transform.handler.cpuMs / records, 4),
        valueBytesPerRecord: Math.round((transform.batches.reduce((sum, batch) => sum + batch.valueMb, 0) * 2 ** 20) / records),
      },
      freshness ? freshness.cycleP95Ms / 1000 : undefined,
    )
  : undefined;
const cloudModel = cost ? { p50Seconds: cost.freshness.gold.p50Seconds, p95Seconds: cost.freshness.gold.p95Seconds } : undefined;

const measured = {
  startedAt,
  mode: quick ? 'quick' : 'full',
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30),
    node: process.version,
    loadavgStart,
    loadavgEnd: loadavg().map((load) => round(load, 2)),
  },
  ...(transform ? { transform } : {}),
  ...(endToEnd ? { endToEnd } : {}),
  ...(freshness ? { freshness: { ...freshness, ...(cloudModel ? { cloudModel } : {}) } } : {}),
  ...(lambdaMemory ? { lambdaMemory } : {}),
  ...(cost ? { cost } : {}),
} satisfies Omit<BenchResults, 'targets' | 'durationSeconds'>;
const results: BenchResults = { ...measured, targets: judgeTargets(measured), durationSeconds: round((performance.now() - started) / 1000) };

await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
// docs/cost.md follows the committed results only, never a run written elsewhere (--out).
if (cost && outFile === join(ROOT, 'bench/results.json')) await writeFile(join(ROOT, 'docs/cost.md'), renderCostDoc(cost, `the measured figures of the bench run of ${startedAt.slice(0, 10)}`));
console.log(renderResults(results));
console.log(`results: ${outFile}`);
