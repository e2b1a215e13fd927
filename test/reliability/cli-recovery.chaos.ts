/**
 * The operator's recovery drill, with the CLI as a user runs it: a run loses the gold and quarantine
 * files of one day (a crash after landing), `report` says LOST, `replay --date` + `load` + `refresh`
 * make it whole and the files exactly what they were.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../support/files.js';
import { recordFigures } from '../support/local-twin.js';
import { PIPELINE_UNTIL, streamflowCli } from '../support/pipeline-run.js';
import { countRunFiles, filesUnder } from '../support/run-files.js';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('cli-recovery');
});

afterAll(async () => {
  await root.remove();
});

describe('streamflow run → report → replay → load → refresh → report (child processes)', () => {
  it('recovers a run that lost gold and quarantine files: report says LOST, replay + load + refresh make it whole', async () => {
    // Prepare: a run, then the gold and quarantine files of one day gone (a crash after landing)
    const out = join(root.path, 'out');
    expect((await streamflowCli('run', '--events', '3000', '--dirty-rate', '0.05', '--batch-size', '400', '--until', PIPELINE_UNTIL, '--out', out)).code).toBe(0);
    const before = await countRunFiles(out);
    const [gold] = await filesUnder(out, 'gold/user_events');
    const day = /dt=(\d{4}-\d{2}-\d{2})/.exec(gold!)![1]!;
    for (const prefix of ['gold', 'quarantine']) {
      for (const path of await filesUnder(out, prefix)) if (path.includes(`/dt=${day}/`)) await rm(join(out, path));
    }
    const lost = await streamflowCli('report', '--out', out);

    // Act
    const replayed = await streamflowCli('replay', '--out', out, '--date', day);
    const again = await streamflowCli('replay', '--out', out, '--date', day);
    const load = await streamflowCli('load', '--out', out);
    const refresh = await streamflowCli('refresh', '--out', out);
    const report = await streamflowCli('report', '--out', out);

    // Assess
    expect(lost.code).toBe(1);
    expect(lost.stdout).toMatch(/LOST/);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/landing\s+\d+ files derived again/);
    expect(replayed.stdout).toContain('Next: streamflow load');
    expect(replayed.stderr).toMatch(/landing\s+\[/);
    expect(again.code).toBe(0);
    expect(await countRunFiles(out)).toEqual(before);
    expect([load.code, refresh.code]).toEqual([0, 0]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('Nothing lost');
    recordFigures('operator drill: one day of gold and quarantine deleted, then replay --date, load, refresh (CLI)', {
      lostBeforeReplay: Number(/LOST ([\d,]+) records/.exec(lost.stdout)![1]!.replaceAll(',', '')),
      reportAfter: report.stdout.trim().split('\n').at(-1),
    });
  });
});
