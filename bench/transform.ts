/**
 * Bench 1, transform throughput: the consumer's own middy handler on full (about 6 MB) MSK batches,
 * beside the irreducible baseline and DuckDB on the same records, in the same process and run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GZIP_LEVEL } from '../lambdas/consumer/consume-event.js';
import { makeConsumerHandler } from '../lambdas/consumer/make-handler.js';
import { publishReferenceData } from '../lambdas/local/ingest.js';
import { localLambdaContext } from '../lambdas/local/lambda-context.js';
import { logger, metrics } from '../lambdas/shared/powertools.js';
import { loadReferenceCatalog } from '../lambdas/shared/reference-catalog.js';
import { baselineTransform } from './baseline-transform.js';
import { buildBenchBatches, type BenchBatch } from './batches.js';
import { runNodeChild } from './child-process.js';
import { prepareDuckDbFlatten } from './duckdb-flatten.js';
import { MB, median, medianRun, medianTiming, round, timed, type Timing } from './measure.js';
import { MemoryObjectStore } from './memory-store.js';

export interface ContenderResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly recordsPerSec: number;
  /** Record values (the events' JSON) per second of wall time. */
  readonly mbPerSec: number;
  /** Process CPU per MB of values: what a Lambda with one vCPU or less pays for. */
  readonly cpuMsPerMb: number;
}

export interface CompressionLevel {
  readonly level: number;
  readonly mbPerSec: number;
  /** Compressed size over raw size, landing and gold files together. */
  readonly ratio: number;
}

export interface TransformResult {
  readonly batches: readonly { topic: string; records: number; eventMb: number; valueMb: number }[];
  readonly runs: number;
  readonly gzipLevel: number;
  readonly handler: ContenderResult;
  readonly baseline: ContenderResult;
  /** The baseline writing the landing copy too: all the files a valid batch needs. */
  readonly baselineWithLanding: ContenderResult;
  readonly duckdb: ContenderResult & { readonly threads: number };
  /** Time over time, the median of the runs' ratios (lower is better for the handler). */
  readonly ratios: {
    readonly handlerOverBaseline: number;
    readonly handlerOverBaselineCpu: number;
    readonly handlerOverDuckdb: number;
    readonly handlerOverDuckdbCpu: number;
    readonly handlerOverBaselineWithLanding: number;
    readonly handlerOverBaselineWithLandingCpu: number;
  };
  /** The baselines wrote byte for byte the gold CSV and landing NDJSON the handler wrote. */
  readonly goldMatchesBaseline: boolean;
  /** gzip of the handler's landing and gold text at each level (one thread). */
  readonly compression: readonly CompressionLevel[];
}

const resultOf = (timing: Timing, records: number, valueBytes: number): ContenderResult => ({
  wallMs: round(timing.wallMs),
  cpuMs: round(timing.cpuMs),
  recordsPerSec: Math.round(records / (timing.wallMs / 1000)),
  mbPerSec: round(valueBytes / MB / (timing.wallMs / 1000)),
  cpuMsPerMb: round(timing.cpuMs / (valueBytes / MB)),
});

const textsUnder = (store: MemoryObjectStore, prefix: string): string[] =>
  [...store.objects].filter(([key]) => key.startsWith(prefix)).map(([, body]) => gunzipSync(body).toString('utf8'));

const compressionSweep = async (texts: readonly string[]): Promise<CompressionLevel[]> => {
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const levels: CompressionLevel[] = [];
  for (const level of [1, 3, 6, 9]) {
    let compressed = 0;
    const timing = await medianRun(() => {
      compressed = texts.reduce((sum, text) => sum + gzipSync(text, { level }).length, 0);
    }, 1);
    levels.push({ level, mbPerSec: round(bytes / MB / (timing.wallMs / 1000)), ratio: round(compressed / bytes, 3) });
  }
  return levels;
};

export const benchTransform = async (options: { readonly quick: boolean; readonly log: (line: string) => void }): Promise<TransformResult> => {
  const userEventBatches = options.quick ? 2 : 4;
  const runs = options.quick ? 3 : 7;
  options.log(`transform: building ${userEventBatches + 1} batches of about 6 MB`);
  const batches: BenchBatch[] = await buildBenchBatches(userEventBatches);
  const records = batches.reduce((sum, batch) => sum + batch.records, 0);
  const valueBytes = batches.reduce((sum, batch) => sum + batch.valueBytes, 0);

  const store = new MemoryObjectStore();
  await publishReferenceData(store);
  const catalog = await loadReferenceCatalog(store);
  const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
  const context = localLambdaContext('bench-consumer');
  const runHandler = async (): Promise<void> => {
    for (const batch of batches) await handler(batch.event, context);
  };
  const runBaseline = (): Buffer[] => batches.flatMap((batch) => baselineTransform(batch.event));
  const runBaselineWithLanding = (): Buffer[] => batches.flatMap((batch) => baselineTransform(batch.event, { landing: true }));

  const dir = await mkdtemp(join(tmpdir(), 'streamflow-bench-'));
  const timings: Record<'handler' | 'baseline' | 'baselineWithLanding' | 'duckdb', Timing[]> = { handler: [], baseline: [], baselineWithLanding: [], duckdb: [] };
  let threads: number;
  try {
    const duckdb = await prepareDuckDbFlatten(batches, dir);
    threads = duckdb.threads;
    const contenders = { handler: runHandler, baseline: runBaseline, baselineWithLanding: runBaselineWithLanding, duckdb: () => duckdb.run() };
    for (const work of Object.values(contenders)) await work();
    // Interleaved, so a neighbour's load on this machine hits the three alike; the order turns too.
    options.log(`transform: handler, baselines and DuckDB, ${runs} interleaved runs`);
    const order = Object.keys(contenders) as (keyof typeof contenders)[];
    for (let run = 0; run < runs; run++) {
      for (const name of [...order.slice(run % order.length), ...order.slice(0, run % order.length)]) timings[name].push(await timed(contenders[name]));
    }
    duckdb.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const handlerTiming = medianTiming(timings.handler);
  const baselineTiming = medianTiming(timings.baseline);
  const duckdbTiming = medianTiming(timings.duckdb);
  const baselineWithLandingTiming = medianTiming(timings.baselineWithLanding);
  const medianRatio = (of: Timing[], to: Timing[], pick: (timing: Timing) => number): number => round(median(of.map((timing, run) => pick(timing) / pick(to[run]!))), 2);

  // Same job check: the handler's gold files are the baseline's CSV, byte for byte.
  const gold = textsUnder(store, 'gold/').sort();
  const baselineGold = runBaseline()
    .map((body) => gunzipSync(body).toString('utf8'))
    .sort();
  const landing = textsUnder(store, 'landing/').sort();
  const baselineLanding = batches
    .map((batch) => gunzipSync(baselineTransform(batch.event, { landing: true })[1]!).toString('utf8'))
    .sort();
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((text, index) => text === b[index]);
  const goldMatchesBaseline = same(gold, baselineGold) && same(landing, baselineLanding);
  const compression = await compressionSweep([...landing, ...gold]);

  const handlerResult = resultOf(handlerTiming, records, valueBytes);
  const baselineResult = resultOf(baselineTiming, records, valueBytes);
  const duckdbResult = resultOf(duckdbTiming, records, valueBytes);
  return {
    batches: batches.map((batch) => ({ topic: batch.topic, records: batch.records, eventMb: round(batch.eventBytes / MB, 2), valueMb: round(batch.valueBytes / MB, 2) })),
    runs,
    gzipLevel: GZIP_LEVEL,
    handler: handlerResult,
    baseline: baselineResult,
    baselineWithLanding: resultOf(baselineWithLandingTiming, records, valueBytes),
    duckdb: { ...duckdbResult, threads },
    ratios: {
      handlerOverBaseline: medianRatio(timings.handler, timings.baseline, (timing) => timing.wallMs),
      handlerOverBaselineCpu: medianRatio(timings.handler, timings.baseline, (timing) => timing.cpuMs),
      handlerOverDuckdb: medianRatio(timings.handler, timings.duckdb, (timing) => timing.wallMs),
      handlerOverDuckdbCpu: medianRatio(timings.handler, timings.duckdb, (timing) => timing.cpuMs),
      handlerOverBaselineWithLanding: medianRatio(timings.handler, timings.baselineWithLanding, (timing) => timing.wallMs),
      handlerOverBaselineWithLandingCpu: medianRatio(timings.handler, timings.baselineWithLanding, (timing) => timing.cpuMs),
    },
    goldMatchesBaseline,
    compression,
  };
};

/** {@link benchTransform} in a process of its own (bench/transform-child.ts), as the handler runs in a Lambda's. */
export const benchTransformApart = async (options: { readonly quick: boolean; readonly root: string; readonly log: (line: string) => void }): Promise<TransformResult> => {
  options.log('transform: in a process of its own');
  const child = await runNodeChild(['--import', 'tsx'], join(options.root, 'bench/transform-child.ts'), options.quick ? ['--quick'] : [], options.root);
  if (child.exitCode !== 0) throw new Error(`the transform bench exited ${child.exitCode}: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout) as TransformResult;
};
