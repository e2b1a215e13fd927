import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../support/files.js';
import { countRunFiles, filesUnder, gunzipFile, linesOf } from '../support/run-files.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const UNTIL = '2025-06-15T12:00:00Z';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/streamflow.mjs ...args` from the repository root, as a user would. */
const streamflow = (...args: string[]): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['bin/streamflow.mjs', ...args], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });

let root: Awaited<ReturnType<typeof tempFolder>>;
let dirs = 0;
const outDir = (): string => join(root.path, `out-${++dirs}`);

beforeAll(async () => {
  root = await tempFolder('cli');
});

afterAll(async () => {
  await root.remove();
});

describe('streamflow run (child process)', () => {
  it('runs 20,000 events with 5 % dirt, prints the summary and balances every topic in the files', async () => {
    // Prepare
    const out = outDir();

    // Act
    const result = await streamflow('run', '--events', '20000', '--dirty-rate', '0.05', '--out', out, '--until', UNTIL);

    // Assess
    expect(result.stderr).not.toMatch(/Error|streamflow:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('StreamFlow local run');
    expect(result.stdout).toMatch(/produced\s+20,000 events/);
    expect(result.stdout).toContain('Nothing lost');
    const files = await countRunFiles(out);
    expect(Object.keys(files).sort()).toEqual(['transactions', 'user_events']);
    for (const [topic, counts] of Object.entries(files)) {
      expect(counts.landing, topic).toBe(counts.gold + counts.quarantine);
      expect(counts.quarantine, topic).toBeGreaterThan(0);
    }
    expect(files.user_events!.landing + files.transactions!.landing).toBe(20_000);
    const quarantined = files.user_events!.quarantine + files.transactions!.quarantine;
    expect(quarantined / 20_000).toBeGreaterThan(0.03);
    expect(quarantined / 20_000).toBeLessThan(0.07);
    expect(result.stdout).toMatch(new RegExp(`quarantined\\s+${quarantined.toLocaleString('en-US')} records`));
  });

  it('replays a file of hostile lines, quarantining every one with a reason, and exits 0', async () => {
    // Prepare
    const out = outDir();
    const huge = 'x'.repeat(1_100_000);
    const event = {
      event_id: 'e-1',
      user_id: 'USR-00001',
      session_id: 's-1',
      event_type: 'page_view',
      event_ts: '2025-06-15T11:00:00Z',
      page_url: '/',
      device_type: 'mobile',
      browser: 'chrome',
      operating_system: 'ios',
      referrer: 'direct',
    };
    const lines: Buffer[] = [
      Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x80]),
      '{"topic":"user_events","key":"USR-00001","value":{"event_id":"e-',
      '{"topic":"transactions","key":"USR-00001","value":{"transaction_id":5,"total":"lots","products":"none"}}',
      JSON.stringify({ topic: 'user_events', key: 'USR-00001', value: { ...event, event_id: huge } }),
      `{"topic":"user_events","value":"${huge}`,
      '{"topic":"orders","key":"k","value":{"order_id":1}}',
      '{"topic":"user_events","key":"USR-00001","value":null}',
      'null',
      '[1,2,3]',
      '42',
      '{"key":"k","value":{}}',
      '{"topic":"../x","key":"k","value":{}}',
      '{"topic":"user_events","key":"k"}',
      '{"topic":"user_events","value":"{\\"event_id\\":"}',
      JSON.stringify({ topic: 'user_events', key: 'USR-99999', value: { ...event, user_id: 'USR-99999' } }),
      JSON.stringify({ topic: 'user_events', key: 'USR-00001', value: { ...event, event_ts: '2031-01-01T00:00:00Z' } }),
    ].map((line) => (typeof line === 'string' ? Buffer.from(line, 'utf8') : line));
    const input = join(root.path, 'hostile.ndjson');
    // CRLF line ends and blank lines in between, as a file edited on Windows might have.
    await writeFile(input, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\r\n\r\n')])));

    // Act
    const result = await streamflow('run', '--input', input, '--out', out, '--until', UNTIL);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Nothing lost');
    const quarantine: { reasons: { code: string; detail: string }[] }[] = [];
    for (const path of await filesUnder(out, 'quarantine')) {
      for (const line of linesOf(await gunzipFile(out, path))) quarantine.push(JSON.parse(line) as (typeof quarantine)[number]);
    }
    expect(quarantine).toHaveLength(lines.length);
    expect(quarantine.every((record) => record.reasons.length > 0 && record.reasons.every((reason) => reason.code && reason.detail))).toBe(true);
    expect(await filesUnder(out, 'gold')).toEqual([]);
    const landed = Object.values(await countRunFiles(out)).reduce((sum, counts) => sum + counts.landing, 0);
    expect(landed).toBe(lines.length);
  });

  it('refuses an --out folder that holds files StreamFlow did not make, and leaves them alone', async () => {
    // Prepare
    const out = outDir();
    await mkdir(out);
    await writeFile(join(out, 'thesis.docx'), 'years of work');

    // Act
    const result = await streamflow('run', '--events', '10', '--out', out);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not empty and was not made by StreamFlow');
    expect(await readdir(out)).toEqual(['thesis.docx']);
    expect(await readFile(join(out, 'thesis.docx'), 'utf8')).toBe('years of work');
  });
});

describe.concurrent('streamflow usage errors (child process)', () => {
  it.each([
    [['run', '--events', 'abc'], /--events must be a whole number/],
    [['run', '--dirty-rate', '2'], /--dirty-rate must be a share from 0 to 1/],
    [['run', '--bogus'], /--bogus/],
    [['run', '--input', '/nonexistent/replay.ndjson'], /--input \/nonexistent\/replay\.ndjson: no such file/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['produce', '--events', '10'], /give either --cluster-arn \(MSK\) or --brokers \(a local Kafka\)/],
    [['produce', '--cluster-arn', 'arn:aws:kafka:eu-west-1:123456789012:cluster/x/y', '--dirty-rate', '2'], /--dirty-rate must be a share from 0 to 1/],
  ])('exits 2 for %j with a message naming the problem, writing nothing', async (args, message) => {
    // Prepare
    const out = outDir();

    // Act
    const result = await streamflow(...args, ...(args[0] === 'run' ? ['--out', out] : []));

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Run `streamflow (\w+ --help|help)`/);
    expect(existsSync(out)).toBe(false);
  });

  it('prints the command list and exits 0 for help', async () => {
    // Prepare / Act
    const result = await streamflow('help');

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: streamflow <command> [options]');
    expect(result.stdout).not.toContain('--dirty-rate R');
  });
});
