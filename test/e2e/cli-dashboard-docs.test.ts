/** `streamflow dashboard` and `streamflow docs` as a user runs them (child processes). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../support/files.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

const streamflow = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['bin/streamflow.mjs', ...args], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('cli-dashboard');
});

afterAll(async () => {
  await root.remove();
});

describe.concurrent('streamflow dashboard and docs (child process)', () => {
  it('run prints the dashboard path last; dashboard rewrites it from the same warehouse', async () => {
    // Prepare
    const out = join(root.path, 'run');
    const run = await streamflow('run', '--events', '800', '--out', out, '--until', '2025-06-15T12:00:00Z');
    const page = join(out, 'dashboard', 'index.html');
    const written = existsSync(page);
    await rm(page);

    // Act
    const result = await streamflow('dashboard', '--out', out);

    // Assess
    expect([run.code, written]).toEqual([0, true]);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`dashboard: ${page}`);
    expect(result).toMatchObject({ code: 0, stdout: `dashboard: ${page}\n` });
    expect(await readFile(page, 'utf8')).toContain('<section class="page" id="data-health"');
  });

  it('run --json keeps stdout one JSON document and says where the dashboard is on stderr', async () => {
    const out = join(root.path, 'json');
    const result = await streamflow('run', '--events', '200', '--out', out, '--json', '--until', '2025-06-15T12:00:00Z');
    expect(result.code).toBe(0);
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    expect(result.stderr).toContain(`dashboard: ${join(out, 'dashboard', 'index.html')}`);
  });

  it('dashboard without a warehouse says which command makes one', async () => {
    const result = await streamflow('dashboard', '--out', join(root.path, 'nothing-here'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such folder');
    expect(result.stderr).toContain('streamflow run --out');
  });

  it('docs writes the models page without needing a run', async () => {
    const out = join(root.path, 'docs');
    const result = await streamflow('docs', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^docs: \d+ models, \d+ sources → .*docs\/index\.html\n$/);
    expect(existsSync(join(out, 'docs', 'index.html'))).toBe(true);
  });

  it('lists both commands in the help, and each prints its own usage', async () => {
    const [list, dashboard, docs] = await Promise.all([streamflow('help'), streamflow('dashboard', '--help'), streamflow('help', 'docs')]);
    expect(list.stdout).toMatch(/^ {2}dashboard /m);
    expect(list.stdout).toMatch(/^ {2}docs /m);
    expect(dashboard.stdout).toContain('streamflow dashboard [--out DIR]');
    expect(dashboard.stdout).not.toContain('streamflow docs [--out DIR]');
    expect(docs.stdout).toContain('streamflow docs [--out DIR]');
  });
});
