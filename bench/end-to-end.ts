/**
 * Bench 2, end to end: `streamflow run` as a user runs it (the CLI in a child process), split by
 * stage from its own `--json` timings, with the child's peak RSS; then DuckDB alone over the same
 * landing files, for the ratio issue 15 sets a target on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SEED, BENCH_UNTIL } from './batches.js';
import { runNodeChild, type ChildRun } from './child-process.js';
import { runDuckDbReference, type DuckDbReference } from './duckdb-reference.js';
import { round } from './measure.js';

export interface EndToEndRun {
  readonly events: number;
  /** The child from spawn to exit: Node start-up and module loading included. */
  readonly wallMs: number;
  /**
   * By stage, from the CLI's own timings; `other` is start-up, ledger report and dashboard. `ingest`
   * is generation and delivery together: from 100k events they run side by side, so `generate` and
   * `deliverTransform` (their own times) overlap and may add up to more than `ingest`.
   */
  readonly stagesMs: {
    readonly ingest: number;
    readonly generate: number;
    readonly deliverTransform: number;
    readonly load: number;
    readonly refresh: number;
    readonly checks: number;
    readonly other: number;
  };
  readonly eventsPerSec: number;
  readonly peakRssMb: number;
  /** Highest RSS sampled while each stage ran (from /proc; empty where there is none). */
  readonly peakRssByStageMb: Record<string, number>;
  readonly cpuMs: number;
  /** The run's ledger found nothing lost. */
  readonly ledgerOk: boolean;
  /** One-minute load average when the run started and ended: 2 means both cores were already busy. */
  readonly loadavg: readonly [number, number];
  /** DuckDB alone over the same landing files, right after the run (see duckdb-reference.ts). */
  readonly duckdbReference: DuckDbReference;
  /**
   * Issue 15's ratio: the run's wall time less generation over the DuckDB reference's (target: at
   * most 5). Less only the ingest time no delivery round ran beside (generation alone): generation
   * that overlapped delivery cost no wall time to subtract.
   */
  readonly lessGenerationOverDuckdb: number;
}

export interface EndToEndResult {
  readonly runs: readonly EndToEndRun[];
  /** Last run over first: how time and memory grow with 10× the events (linear is 10×). */
  readonly growth?: { readonly events: number; readonly wall: number; readonly peakRss: number };
}

interface RunJson {
  readonly ingest: { readonly timings: { readonly produceMs: number; readonly deliverMs: number; readonly ingestMs: number } };
  readonly warehouse: { readonly timings: { readonly loadMs: number; readonly tasks: Record<string, number> } };
  readonly ledger: { readonly lost: number; readonly lostInWarehouse: number };
  readonly elapsedMs: number;
}

/** The stage a stderr line announces (`streamflow run` names the warehouse stages as they start). */
const stageOfLine = (line: string): string | undefined => {
  if (line.startsWith('warehouse: load')) return 'load';
  if (line.startsWith('warehouse: refresh_')) return 'refresh';
  if (line.startsWith('warehouse: dq_checks')) return 'checks, report, dashboard';
  return undefined;
};

/** Peak RSS per stage: each sample belongs to the stage the last stderr line before it announced. */
const peakRssByStage = (child: ChildRun): Record<string, number> => {
  const lines = child.stderr.split('\n');
  const stageAfter: string[] = [];
  let stage = 'generate + deliver + transform';
  for (const line of lines) {
    stage = stageOfLine(line) ?? stage;
    stageAfter.push(stage);
  }
  const peaks: Record<string, number> = {};
  for (const sample of child.rssSamples) {
    const at = sample.stderrLines === 0 ? 'generate + deliver + transform' : stageAfter[sample.stderrLines - 1]!;
    peaks[at] = Math.max(peaks[at] ?? 0, Math.round(sample.rssMb));
  }
  return peaks;
};

const runOnce = async (events: number, root: string): Promise<EndToEndRun> => {
  const out = await mkdtemp(join(tmpdir(), 'streamflow-bench-run-'));
  const loadBefore = round(loadavg()[0]!, 2);
  try {
    const child = await runNodeChild(
      [],
      'bin/streamflow.mjs',
      ['run', '--events', String(events), '--seed', String(BENCH_SEED), '--until', BENCH_UNTIL, '--out', out, '--json'],
      root,
    );
    if (child.exitCode !== 0) throw new Error(`streamflow run --events ${events} exited ${child.exitCode}: ${child.stderr.slice(-2000)}`);
    const summary = JSON.parse(child.stdout) as RunJson;
    const tasks = summary.warehouse.timings.tasks;
    const { ingestMs, produceMs, deliverMs } = summary.ingest.timings;
    const stages = {
      ingest: ingestMs,
      generate: produceMs,
      deliverTransform: deliverMs,
      load: summary.warehouse.timings.loadMs,
      refresh: (tasks.refresh_silver ?? 0) + (tasks.refresh_gold ?? 0),
      checks: tasks.dq_checks ?? 0,
    };
    const staged = stages.ingest + stages.load + stages.refresh + stages.checks;
    const generationAlone = Math.max(0, ingestMs - deliverMs);
    const duckdbReference = await runDuckDbReference(out, await mkdtemp(join(tmpdir(), 'streamflow-bench-duckdb-')));
    return {
      events,
      wallMs: Math.round(child.wallMs),
      stagesMs: { ...Object.fromEntries(Object.entries(stages).map(([stage, ms]) => [stage, Math.round(ms)])), other: Math.round(child.wallMs - staged) } as EndToEndRun['stagesMs'],
      eventsPerSec: Math.round(events / (child.wallMs / 1000)),
      peakRssMb: Math.round(child.peakRssMb),
      peakRssByStageMb: peakRssByStage(child),
      cpuMs: Math.round(child.cpuMs),
      ledgerOk: summary.ledger.lost === 0 && summary.ledger.lostInWarehouse === 0,
      loadavg: [loadBefore, round(loadavg()[0]!, 2)],
      duckdbReference,
      lessGenerationOverDuckdb: round((child.wallMs - generationAlone) / duckdbReference.wallMs, 2),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
};

export const benchEndToEnd = async (options: { readonly quick: boolean; readonly root: string; readonly log: (line: string) => void }): Promise<EndToEndResult> => {
  const sizes = options.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const runs: EndToEndRun[] = [];
  for (const events of sizes) {
    options.log(`end to end: streamflow run --events ${events.toLocaleString('en-US')}`);
    runs.push(await runOnce(events, options.root));
  }
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  return {
    runs,
    ...(runs.length > 1
      ? { growth: { events: last.events / first.events, wall: round(last.wallMs / first.wallMs, 2), peakRss: round(last.peakRssMb / first.peakRssMb, 2) } }
      : {}),
  };
};
