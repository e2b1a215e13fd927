/**
 * Every command is safe with its folders: the commands that read a run refuse a folder without
 * one (exit 2, through OutDirError) and create nothing in it; `docs` writes only into a new,
 * empty or StreamFlow-made folder, so a user's own `docs/index.html` is never overwritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../bin/cli/flags.js';
import { OutDirError, prepareOutDir } from '../../lambdas/local/out-dir.js';
import { tempFolder } from '../support/files.js';
import { COMMANDS } from '../../bin/cli/commands.js';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('folder-safety');
});

afterAll(async () => {
  await root.remove();
});

describe('commands that read a run, on a folder without one', () => {
  it.each([
    ['report', COMMANDS.report!.run],
    ['load', COMMANDS.load!.run],
    ['refresh', COMMANDS.refresh!.run],
    ['dashboard', COMMANDS.dashboard!.run],
    ['replay', COMMANDS.replay!.run],
  ] as const)('%s refuses an empty folder and a missing one with a usage error, creating nothing', async (name, command) => {
    // Prepare
    const empty = join(root.path, `${name}-empty`);
    await mkdir(empty);
    const missing = join(root.path, `${name}-missing`);

    // Act / Assess
    await expect(command(['--out', empty])).rejects.toThrow(OutDirError);
    await expect(command(['--out', empty])).rejects.toThrow(/holds no StreamFlow run .*run `streamflow run --out .*` first/);
    await expect(command(['--out', missing])).rejects.toThrow(/no such folder/);
    expect(await readdir(empty)).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('streamflow docs', () => {
  it("refuses a user's folder with files of its own and leaves its docs/index.html untouched", async () => {
    // Prepare
    const mine = join(root.path, 'my-project');
    await mkdir(join(mine, 'docs'), { recursive: true });
    await writeFile(join(mine, 'docs', 'index.html'), '<h1>my docs</h1>');

    // Act / Assess
    await expect(COMMANDS.docs!.run(['--out', mine])).rejects.toThrow(/is not empty and was not made by StreamFlow/);
    expect(await readFile(join(mine, 'docs', 'index.html'), 'utf8')).toBe('<h1>my docs</h1>');
  });

  it('writes into a new folder, which becomes StreamFlow-made', async () => {
    // Prepare
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const fresh = join(root.path, 'fresh-docs');

    // Act
    const code = await COMMANDS.docs!.run(['--out', fresh]);

    // Assess
    expect(code).toBe(0);
    expect((await readdir(fresh)).sort()).toEqual(['.streamflow-out', 'docs']);
    vi.restoreAllMocks();
  });
});

describe('streamflow load --reload', () => {
  it.each(['../gold/', '/etc/', 'gold/../../x', 'gold//x', '.'])('refuses the unsafe prefix %j as a usage error', async (prefix) => {
    // Prepare
    const out = join(root.path, `reload-${Buffer.from(prefix).toString('hex')}`);
    await prepareOutDir(out);

    // Act / Assess
    await expect(COMMANDS.load!.run(['--out', out, '--reload', prefix])).rejects.toThrow(UsageError);
  });

  it('says so, and exits 1, when the prefix matches no file', async () => {
    // Prepare
    const out = join(root.path, 'reload-nothing');
    await prepareOutDir(out);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));

    // Act
    const code = await COMMANDS.load!.run(['--out', out, '--reload', 'gold/transactons/']);

    // Assess
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(printed.join('\n')).toContain('no gold, reference or quarantine file under gold/transactons/: nothing reloaded');
  });
});
