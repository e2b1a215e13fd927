/**
 * Bench 4, Lambda memory: the consumer bundled as the deployed function is, run in its own process
 * on one full batch of each topic, several invocations in a row (a warm container), and the memory
 * size that follows from its peak RSS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildBenchBatches } from './batches.js';
import { runNodeChild } from './child-process.js';
import { round } from './measure.js';

/**
 * Share of the memory size the measured peak RSS may reach: the rest is for the Lambda runtime
 * client, records larger than the bench's and GC timing.
 */
export const MEMORY_HEADROOM = 0.8;
/**
 * Longest a full batch may take in the function: the batch's time adds to every record's delay to
 * Gold, and below 1,769 MB the CPU share, hence the time, shrinks with the memory size.
 */
export const BATCH_LATENCY_BUDGET_MS = 1000;
/** Sizes tried (MB); at 1,769 MB a function gets one full vCPU, below it a share. */
const LAMBDA_SIZES = [128, 256, 512, 1024];
const FULL_VCPU_MB = 1769;

/**
 * V8 flags of the Lambda Node.js bootstrap for a memory size, as it is reported to set them
 * (semi-space 5 %, old space 90 % of the size; not verified here): under them V8 collects
 * garbage as it would in the function, instead of growing into this machine's free memory.
 */
const lambdaHeapFlags = (memoryMb: number): string[] => [
  `--max-semi-space-size=${Math.floor((memoryMb * 5) / 100)}`,
  `--max-old-space-size=${Math.floor((memoryMb * 90) / 100)}`,
];

export interface ConsumerMemoryRun {
  readonly topic: string;
  readonly records: number;
  readonly eventMb: number;
  readonly rssBeforeEventMb: number;
  /** After the event's JSON was parsed, as the runtime hands it over. */
  readonly rssWithEventMb: number;
  readonly peakRssFirstInvocationMb: number;
  readonly peakRssMb: number;
  readonly heapUsedPeakMb: number;
  readonly heapCommittedMb: number;
  readonly externalPeakMb: number;
  /** Handler time per invocation on this machine (one core); the last ones are warm. */
  readonly durationsMs: readonly number[];
}

export interface MemorySizeRun {
  readonly memoryMb: number;
  /** Every invocation of both batches succeeded under the size's heap flags. */
  readonly ok: boolean;
  /** The larger of the two batches'. */
  readonly peakRssMb: number;
  readonly heapUsedPeakMb: number;
  /** The slower batch's warm invocation on this machine. */
  readonly warmMs: number;
  /** That invocation scaled to the size's CPU share (an estimate: CPU grows with memory up to 1,769 MB). */
  readonly estimatedLambdaMs: number;
  /** Peak RSS within {@link MEMORY_HEADROOM} of the size. */
  readonly fits: boolean;
  /** Estimated full-batch time within {@link BATCH_LATENCY_BUDGET_MS}. */
  readonly fast: boolean;
}

export interface LambdaMemoryResult {
  readonly invocations: number;
  /** Without heap flags: V8 sized for this machine's memory, so warm peaks show lazy GC, not need. */
  readonly unconstrained: readonly ConsumerMemoryRun[];
  readonly sizes: readonly MemorySizeRun[];
  /**
   * The smallest size that ran every invocation with its peak RSS within {@link MEMORY_HEADROOM} of it
   * and an estimated full-batch time within {@link BATCH_LATENCY_BUDGET_MS}.
   */
  readonly recommendedMemoryMb: number | null;
  readonly nodeVersion: string;
}

type ChildReport = Omit<ConsumerMemoryRun, 'topic' | 'records' | 'eventMb'>;

/** Bundles the child like the CDK's NodejsFunction does: one ESM file, dependencies included. */
const bundleChild = async (root: string, outfile: string): Promise<void> => {
  await build({
    entryPoints: [join(root, 'bench/consumer-memory-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
};

export const benchLambdaMemory = async (options: { readonly root: string; readonly quick: boolean; readonly log: (line: string) => void }): Promise<LambdaMemoryResult> => {
  const invocations = options.quick ? 3 : 5;
  const dir = await mkdtemp(join(tmpdir(), 'streamflow-bench-lambda-'));
  try {
    options.log('lambda memory: bundling the consumer and building one 6 MB batch per topic');
    const child = join(dir, 'consumer.mjs');
    await bundleChild(options.root, child);
    const batches = await buildBenchBatches(1);
    const eventFiles: string[] = [];
    for (const batch of batches) {
      const eventFile = join(dir, `${batch.topic}.json`);
      await writeFile(eventFile, JSON.stringify(batch.event));
      eventFiles.push(eventFile);
    }
    const runBatch = async (index: number, heapFlags: readonly string[]): Promise<ConsumerMemoryRun | undefined> => {
      const batch = batches[index]!;
      const run = await runNodeChild(['--enable-source-maps', ...heapFlags], child, [eventFiles[index]!, String(invocations), join(options.root, 'data')], dir);
      if (run.exitCode !== 0) return undefined;
      const report = JSON.parse(run.stdout) as ChildReport;
      return {
        topic: batch.topic,
        records: batch.records,
        eventMb: round(batch.eventBytes / 2 ** 20, 2),
        rssBeforeEventMb: round(report.rssBeforeEventMb),
        rssWithEventMb: round(report.rssWithEventMb),
        peakRssFirstInvocationMb: round(report.peakRssFirstInvocationMb),
        peakRssMb: round(report.peakRssMb),
        heapUsedPeakMb: round(report.heapUsedPeakMb),
        heapCommittedMb: round(report.heapCommittedMb),
        externalPeakMb: round(report.externalPeakMb),
        durationsMs: report.durationsMs.map((ms) => Math.round(ms)),
      };
    };

    options.log(`lambda memory: ${invocations} invocations per process, unconstrained and at ${LAMBDA_SIZES.join(', ')} MB`);
    const unconstrained: ConsumerMemoryRun[] = [];
    for (const index of batches.keys()) {
      const run = await runBatch(index, []);
      if (!run) throw new Error(`the consumer failed on the ${batches[index]!.topic} batch without any memory limit`);
      unconstrained.push(run);
    }
    const sizes: MemorySizeRun[] = [];
    for (const memoryMb of LAMBDA_SIZES) {
      const runs: (ConsumerMemoryRun | undefined)[] = [];
      for (const index of batches.keys()) runs.push(await runBatch(index, lambdaHeapFlags(memoryMb)));
      const done = runs.filter((run): run is ConsumerMemoryRun => run !== undefined);
      const ok = done.length === runs.length;
      const peakRssMb = Math.max(0, ...done.map((run) => run.peakRssMb));
      const warmMs = Math.max(0, ...done.map((run) => run.durationsMs[run.durationsMs.length - 1]!));
      sizes.push({
        memoryMb,
        ok,
        peakRssMb,
        heapUsedPeakMb: Math.max(0, ...done.map((run) => run.heapUsedPeakMb)),
        warmMs,
        estimatedLambdaMs: Math.round(warmMs * Math.max(1, FULL_VCPU_MB / memoryMb)),
        fits: ok && peakRssMb <= memoryMb * MEMORY_HEADROOM,
        fast: Math.round(warmMs * Math.max(1, FULL_VCPU_MB / memoryMb)) <= BATCH_LATENCY_BUDGET_MS,
      });
    }
    return {
      invocations,
      unconstrained,
      sizes,
      recommendedMemoryMb: sizes.find((size) => size.fits && size.fast)?.memoryMb ?? null,
      nodeVersion: process.version,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
