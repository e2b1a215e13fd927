/**
 * The cost model against what it claims: bench/results.json and docs/cost.md are what the model
 * computes from the stored measurements (so a changed price or preset cannot leave them stale), and
 * the model follows the presets the CDK app deploys.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCostDoc } from '../../bench/cost-doc.js';
import { costModel, presetCost, type CostModel } from '../../bench/cost-model.js';

const results = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8')) as {
  startedAt: string;
  cost: CostModel;
  freshness: { cycleP95Ms: number; cloudModel: { p50Seconds: number; p95Seconds: number } };
};
const recomputed = costModel(results.cost.measured, results.freshness.cycleP95Ms / 1000);

describe('cost model', () => {
  it('is what bench/results.json holds (run `npx tsx bench/cost.ts` after changing a price or a preset)', () => {
    // Assess
    expect(results.cost).toEqual(JSON.parse(JSON.stringify(recomputed)));
    expect(results.freshness.cloudModel).toEqual({ p50Seconds: recomputed.freshness.gold.p50Seconds, p95Seconds: recomputed.freshness.gold.p95Seconds });
  });

  it('is what docs/cost.md says', () => {
    // Act
    const doc = readFileSync(new URL('../../docs/cost.md', import.meta.url), 'utf8');

    // Assess
    expect(doc).toBe(renderCostDoc(recomputed, `the measured figures of the bench run of ${results.startedAt.slice(0, 10)}`));
  });

  it('charges pollers per Event Poller Unit only where the preset provisions them, and no refresh at idle', () => {
    // Act
    const dev = presetCost('dev', results.cost.measured);
    const prod = presetCost('prod', results.cost.measured);

    // Assess
    expect(dev.idle.lines.some((line) => /event pollers/.test(line.item))).toBe(false);
    expect(dev.idle.lines.some((line) => /lambda, sts/.test(line.item))).toBe(true);
    expect(prod.idle.lines.some((line) => /provisioned event pollers/.test(line.item))).toBe(true);
    expect(dev.idle.lines.some((line) => /refresh|Snowpipe/.test(line.item))).toBe(false);
  });

  it('bills dev (snowpipe mode) per GB of files, serverless refresh and the tick\'s warehouse wakes, and prod (copy) COPY on its warehouse', () => {
    // Act
    const [devAt10M] = presetCost('dev', results.cost.measured).volumes;
    const [prodAt10M] = presetCost('prod', results.cost.measured).volumes;
    const items = (lines: readonly { item: string }[]) => lines.map((line) => line.item);

    // Assess
    expect(items(devAt10M!.pipeline.lines)).toEqual(
      expect.arrayContaining(['Snowpipe into Bronze (per GB of files)', 'loader safety-net tick: STREAMFLOW_WH woken', 'Silver/Gold refresh: serverless triggered tasks']),
    );
    expect(items(devAt10M!.pipeline.lines).some((item) => /COPY/.test(item))).toBe(false);
    expect(items(prodAt10M!.pipeline.lines)).toContain('COPY into Bronze on your warehouse (its seconds of use)');
    // the targets of issue 16: the default preset below Firehose at every volume
    for (const at of recomputed.allIn) expect(at.pipelineUsdPerMillion, String(at.eventsPerMonth)).toBeLessThan(at.firehoseUsdPerMillion);
  });

  it('costs more per million at low volume than at high (fixed costs spread over fewer events)', () => {
    // Assess
    const perMillion = recomputed.allIn.map((at) => at.pipelineUsdPerMillion);
    expect(perMillion).toEqual([...perMillion].sort((a, b) => b - a));
  });
});
