/**
 * Load: `streamflow run` over 1,000,000 generated events (5 % dirty), as a user runs it, with the
 * process's peak resident memory (getrusage maxRSS, reported at exit by a preloaded hook). Nothing
 * may be lost, nothing doubled, and memory must stay bounded: the run streams in produce chunks.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { tempFolder } from '../support/files.js';
import { duplicateRows, recordFigures } from '../support/local-twin.js';
import { PIPELINE_UNTIL, streamflowNode } from '../support/pipeline-run.js';

const EVENTS = 1_000_000;
/** Generous: the run holds one produce chunk and one batch at a time, DuckDB its buffer pool. */
const PEAK_RSS_LIMIT_MB = 2_048;
/** Prints the process's peak RSS (kB on Linux) on stderr as it exits. */
const REPORT_PEAK_RSS = '--import=data:text/javascript,process.on("exit",()=>process.stderr.write(`peak-rss-kb=${process.resourceUsage().maxRSS}\\n`))';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('load');
});

afterAll(async () => {
  await root.remove();
});

interface RunJson {
  readonly ingest: { readonly produced: Record<string, number>; readonly failedBatches: number; readonly esm: { readonly batches: number }; readonly timings: Record<string, number> };
  readonly ledger: { readonly lost: number; readonly lostInWarehouse: number; readonly verdict: string; readonly topics: Record<string, { in: number; gold: number; quarantined: number }> };
  readonly elapsedMs: number;
}

describe('a 1,000,000-event local run', () => {
  it('loses nothing, doubles nothing, and stays within bounded memory', async () => {
    // Prepare
    const out = join(root.path, 'out');

    // Act
    const started = performance.now();
    const result = await streamflowNode([REPORT_PEAK_RSS], 'run', '--events', String(EVENTS), '--dirty-rate', '0.05', '--until', PIPELINE_UNTIL, '--out', out, '--json');
    const seconds = (performance.now() - started) / 1000;

    // Assess
    expect(result.stderr).not.toMatch(/streamflow:/);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    const topics = Object.values(run.ledger.topics);
    const recordsIn = topics.reduce((sum, topic) => sum + topic.in, 0);
    const gold = topics.reduce((sum, topic) => sum + topic.gold, 0);
    const quarantined = topics.reduce((sum, topic) => sum + topic.quarantined, 0);
    expect(Object.values(run.ingest.produced).reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(EVENTS);
    expect(recordsIn).toBe(Object.values(run.ingest.produced).reduce((sum, count) => sum + count, 0));
    expect(gold + quarantined).toBe(recordsIn);
    expect(run.ledger).toMatchObject({ lost: 0, lostInWarehouse: 0 });
    expect(run.ingest.failedBatches).toBe(0);
    const peakRssMb = Number(/peak-rss-kb=(\d+)/.exec(result.stderr)![1]) / 1024;
    expect(peakRssMb).toBeLessThan(PEAK_RSS_LIMIT_MB);
    const warehouse = await DuckDbWarehouse.open(join(out, 'warehouse.duckdb'));
    let duplicates: number;
    try {
      duplicates = await duplicateRows(warehouse);
    } finally {
      await warehouse.close();
    }
    expect(duplicates).toBe(0);
    recordFigures('load: 1,000,000 events, 5 % dirty (streamflow run)', {
      recordsIn,
      gold,
      quarantined,
      lost: run.ledger.lost + run.ledger.lostInWarehouse,
      duplicates,
      batches: run.ingest.esm.batches,
      peakRssMb: Math.round(peakRssMb),
      seconds: Math.round(seconds),
      timings: run.ingest.timings,
    });
  });
});
