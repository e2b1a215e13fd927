/** The bench's readable output: plain text tables of the figures in results.json, and the targets. */
import type { CostModel } from './cost-model.js';
import type { EndToEndResult } from './end-to-end.js';
import type { FreshnessResult } from './freshness.js';
import type { LambdaMemoryResult } from './lambda-memory.js';
import type { TransformResult } from './transform.js';

export interface BenchResults {
  readonly startedAt: string;
  readonly mode: 'full' | 'quick';
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
    /** 1, 5 and 15 minute load averages before and after the run: other work on the machine skews figures. */
    readonly loadavgStart: readonly number[];
    readonly loadavgEnd: readonly number[];
  };
  readonly transform?: TransformResult;
  readonly endToEnd?: EndToEndResult;
  /** The local measurement, and `cloudModel`: docs/cost.md's modelled event -> Gold delay in AWS + Snowflake. */
  readonly freshness?: FreshnessResult & { readonly cloudModel?: { readonly p50Seconds: number; readonly p95Seconds: number } };
  readonly lambdaMemory?: LambdaMemoryResult;
  /** docs/cost.md's model at this run's measured consumer throughput. */
  readonly cost?: CostModel;
  readonly targets: readonly Target[];
  readonly durationSeconds: number;
}

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

const n = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const s = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)} s`;
const ms = (milliseconds: number): string => `${Math.round(milliseconds)} ms`;

/** Left-aligns the first column, right-aligns the others. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
};

/** The targets of the performance issue, judged on what this run measured. */
export const judgeTargets = (results: Omit<BenchResults, 'targets' | 'durationSeconds'>): Target[] => {
  const targets: Target[] = [];
  const { transform, endToEnd, freshness, lambdaMemory } = results;
  if (transform) {
    targets.push({
      name: 'transform vs baseline',
      goal: 'within 1.5x',
      measured: `${transform.ratios.handlerOverBaseline}x wall, ${transform.ratios.handlerOverBaselineCpu}x CPU`,
      met: transform.ratios.handlerOverBaseline <= 1.5,
    });
    targets.push({
      name: 'transform vs DuckDB',
      goal: 'at least as fast',
      measured: `${transform.ratios.handlerOverDuckdb}x wall, ${transform.ratios.handlerOverDuckdbCpu}x CPU`,
      met: transform.ratios.handlerOverDuckdb <= 1,
    });
  }
  const million = endToEnd?.runs.find((run) => run.events === 1_000_000);
  for (const run of endToEnd?.runs ?? []) {
    targets.push({
      name: `run less generation vs DuckDB, ${n(run.events)}`,
      goal: 'within 5x',
      measured: `${run.lessGenerationOverDuckdb}x (${s(run.wallMs - run.stagesMs.generate)} vs ${s(run.duckdbReference.wallMs)})`,
      met: run.lessGenerationOverDuckdb <= 5,
    });
  }
  if (million) {
    targets.push({ name: '1M events end to end', goal: 'under 20 s', measured: s(million.wallMs), met: million.wallMs < 20_000 });
    targets.push({ name: '1M events peak RSS', goal: 'under 700 MB', measured: `${n(million.peakRssMb)} MB`, met: million.peakRssMb < 700 });
  }
  if (freshness) targets.push({ name: 'freshness p95', goal: 'under 2.5 s', measured: s(freshness.p95Ms), met: freshness.p95Ms < 2_500 });
  const at256 = lambdaMemory?.sizes.find((size) => size.memoryMb === 256);
  if (at256) {
    targets.push({
      name: 'consumer memory, 6 MB batch',
      goal: 'under 256 MB',
      measured: `${n(at256.peakRssMb)} MB peak RSS under 256 MB heap flags`,
      met: at256.ok && at256.peakRssMb < 256,
    });
  }
  return targets;
};

export const renderResults = (results: BenchResults): string => {
  const out: string[] = [];
  const { machine, transform, endToEnd, freshness, lambdaMemory } = results;
  out.push(
    `StreamFlow bench (${results.mode}), ${results.startedAt}: ${machine.cpus} CPUs ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${machine.loadavgStart.map((load) => load.toFixed(2)).join(' ')} -> ${machine.loadavgEnd.map((load) => load.toFixed(2)).join(' ')}`,
  );

  if (transform) {
    const records = transform.batches.reduce((sum, batch) => sum + batch.records, 0);
    const mb = transform.batches.reduce((sum, batch) => sum + batch.eventMb, 0);
    out.push(
      '',
      `1. Transform: ${transform.batches.length} MSK batches (${transform.batches.map((batch) => `${batch.topic} ${n(batch.records)}`).join(', ')}), ` +
        `${n(records)} records, ${n(mb)} MB of events; median of ${transform.runs} runs; gzip level ${transform.gzipLevel}`,
      table(
        ['', 'wall', 'CPU', 'records/s', 'MB/s (values)', 'CPU ms/MB'],
        [
          ['consumer handler', ms(transform.handler.wallMs), ms(transform.handler.cpuMs), n(transform.handler.recordsPerSec), n(transform.handler.mbPerSec), n(transform.handler.cpuMsPerMb)],
          ['baseline: decode + parse + CSV + gzip', ms(transform.baseline.wallMs), ms(transform.baseline.cpuMs), n(transform.baseline.recordsPerSec), n(transform.baseline.mbPerSec), n(transform.baseline.cpuMsPerMb)],
          ['baseline + landing copy', ms(transform.baselineWithLanding.wallMs), ms(transform.baselineWithLanding.cpuMs), n(transform.baselineWithLanding.recordsPerSec), n(transform.baselineWithLanding.mbPerSec), n(transform.baselineWithLanding.cpuMsPerMb)],
          [`DuckDB read_json + COPY, ${transform.duckdb.threads} threads`, ms(transform.duckdb.wallMs), ms(transform.duckdb.cpuMs), n(transform.duckdb.recordsPerSec), n(transform.duckdb.mbPerSec), n(transform.duckdb.cpuMsPerMb)],
        ],
      ),
      `handler / baseline: ${transform.ratios.handlerOverBaseline}x wall, ${transform.ratios.handlerOverBaselineCpu}x CPU; ` +
        `handler / baseline + landing: ${transform.ratios.handlerOverBaselineWithLanding}x wall, ${transform.ratios.handlerOverBaselineWithLandingCpu}x CPU; ` +
        `handler / DuckDB: ${transform.ratios.handlerOverDuckdb}x wall, ${transform.ratios.handlerOverDuckdbCpu}x CPU (medians of per-run ratios)`,
      `gold and landing files identical to the baselines': ${transform.goldMatchesBaseline ? 'yes' : 'NO'}`,
      `gzip of landing + gold text, one thread: ${transform.compression.map((level) => `level ${level.level} ${n(level.mbPerSec)} MB/s ratio ${level.ratio}`).join('; ')}`,
    );
  }

  if (endToEnd) {
    out.push(
      '',
      '2. End to end: streamflow run (child process)',
      table(
        ['events', 'wall', 'ingest', '(generate', 'deliver+transform)', 'load', 'refresh', 'checks', 'other', 'events/s', 'peak RSS', 'load avg'],
        endToEnd.runs.map((run) => [
          n(run.events),
          s(run.wallMs),
          s(run.stagesMs.ingest),
          s(run.stagesMs.generate),
          s(run.stagesMs.deliverTransform),
          s(run.stagesMs.load),
          s(run.stagesMs.refresh),
          s(run.stagesMs.checks),
          s(run.stagesMs.other),
          n(run.eventsPerSec),
          `${n(run.peakRssMb)} MB`,
          run.loadavg.map((load) => load.toFixed(1)).join(' -> '),
        ]),
      ),
      ...endToEnd.runs.map(
        (run) => `peak RSS by stage, ${n(run.events)}: ${Object.entries(run.peakRssByStageMb).map(([stage, mb]) => `${stage} ${n(mb)} MB`).join('; ')}`,
      ),
      ...endToEnd.runs.map(
        (run) =>
          `DuckDB reference (read_json + COPY to gzipped CSV + read_csv + daily aggregates, ${run.duckdbReference.threads} threads), ${n(run.events)}: ` +
          `${s(run.duckdbReference.wallMs)}; run less generation / DuckDB: ${run.lessGenerationOverDuckdb}x`,
      ),
      ...(endToEnd.growth ? [`${endToEnd.growth.events}x the events: ${endToEnd.growth.wall}x the time, ${endToEnd.growth.peakRss}x the peak RSS`] : []),
    );
  }

  if (freshness) {
    out.push(
      '',
      `3. Freshness: ${n(freshness.achievedEventsPerSec)} events/s for ${freshness.streamSeconds} s, batching window ${freshness.batchingWindowMs} ms, ` +
        `${freshness.partitionsPerTopic} partitions per topic; event time -> row visible in Gold`,
      table(
        ['', 'rows', 'p50', 'p95'],
        [
          ...Object.entries(freshness.byTable).map(([name, figures]) => [`gold.${name}`, n(figures.rows), s(figures.p50Ms), s(figures.p95Ms)]),
          ['all', `${n(freshness.measured)} of ${n(freshness.produced)}`, s(freshness.p50Ms), s(freshness.p95Ms)],
        ],
      ),
      `max ${s(freshness.maxMs)}; ${freshness.warehouseCycles} load + refresh cycles, p50 ${s(freshness.cycleP50Ms)}, p95 ${s(freshness.cycleP95Ms)}; ` +
        `load average ${freshness.loadavg.map((load) => load.toFixed(1)).join(' -> ')}`,
    );
  }

  if (lambdaMemory) {
    out.push(
      '',
      `4. Lambda memory: the bundled consumer alone in a process, ${lambdaMemory.invocations} invocations on one 6 MB batch of each topic`,
      table(
        ['memory size', 'ok', 'peak RSS', 'peak heap used', 'warm ms here', 'est. ms in Lambda', 'fits', 'within 1 s'],
        [
          ...lambdaMemory.unconstrained.map((run) => [
            `no limit, ${run.topic}`,
            'yes',
            `${n(run.peakRssFirstInvocationMb)} / ${n(run.peakRssMb)} MB`,
            `${n(run.heapUsedPeakMb)} MB`,
            n(run.durationsMs[run.durationsMs.length - 1]!),
            '',
            '',
            '',
          ]),
          ...lambdaMemory.sizes.map((size) => [
            `${size.memoryMb} MB`,
            size.ok ? 'yes' : 'NO',
            `${n(size.peakRssMb)} MB`,
            `${n(size.heapUsedPeakMb)} MB`,
            n(size.warmMs),
            n(size.estimatedLambdaMs),
            size.fits ? 'yes' : 'no',
            size.fast ? 'yes' : 'no',
          ]),
        ],
      ),
      '(no limit: peak RSS after the first invocation / after all of them; heap flags of each size as the Lambda Node.js bootstrap sets them;',
      ' fits: peak RSS within 80 % of the size; est. ms: the warm time scaled by the CPU share, 1 vCPU at 1,769 MB)',
      `recommended consumer memory: ${lambdaMemory.recommendedMemoryMb ?? 'none of the sizes tried'} MB (smallest that fits and does a full batch within 1 s)`,
    );
  }

  if (results.cost) {
    const { cost } = results;
    const usd = (value: number): string => `$${value.toFixed(2)}`;
    out.push(
      '',
      `5. Cost and cloud delay, modelled (docs/cost.md; list prices read ${cost.pricesRead}, ${cost.defaultPreset} preset vs Firehose)`,
      table(['events / month', 'pipeline / 1M', 'Firehose / 1M'], cost.allIn.map((at) => [`${n(at.eventsPerMonth / 1e6)}M`, usd(at.pipelineUsdPerMillion), usd(at.firehoseUsdPerMillion)])),
      `idle per month: dev ${usd(cost.idlePerMonth.dev)}, prod ${usd(cost.idlePerMonth.prod)}; ` +
        `event -> Gold p50 ${cost.freshness.gold.p50Seconds} s, p95 ${cost.freshness.gold.p95Seconds} s (event -> Bronze p95 ${cost.freshness.bronze.p95Seconds} s)`,
    );
  }

  if (results.targets.length > 0) {
    out.push('', 'Targets', table(['', 'goal', 'measured', 'met'], results.targets.map((target) => [target.name, target.goal, target.measured, target.met ? 'yes' : 'no'])));
  }
  out.push('', `bench took ${n(results.durationSeconds)} s`);
  return out.join('\n');
};
