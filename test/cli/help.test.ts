import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, COMMAND_LIST } from '../../bin/cli/commands.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The real launcher in a child process: what a user types, against the real command modules.
const streamflow = (...args: string[]): Promise<CliResult> =>
  new Promise((resolveResult) => {
    execFile(process.execPath, ['bin/streamflow.mjs', ...args], { cwd: REPO }, (error, stdout, stderr) => {
      resolveResult({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });

const usageLines = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('streamflow '));

describe('streamflow help', () => {
  it('lists every command once, one line each, and no command options', () => {
    // Prepare / Act
    const names = COMMAND_LIST.split('\n').filter((line) => /^ {2}\w/.test(line)).map((line) => line.trim().split(/\s+/)[0]);

    // Assess
    expect(names).toEqual([...Object.keys(COMMANDS), 'help']);
    expect(COMMAND_LIST).not.toMatch(/^\s+--\w/m);
  });

  it.each(Object.keys(COMMANDS))('gives %s its own usage, naming only that command', (name) => {
    // Prepare / Act
    const usage = COMMANDS[name]!.usage;

    // Assess
    expect(usageLines(usage).length).toBeGreaterThan(0);
    for (const line of usageLines(usage)) expect(line.startsWith(`streamflow ${name} `) || line === `streamflow ${name}`).toBe(true);
  });

  it('prints only run\'s usage for `streamflow run --help`, and the same for `streamflow help run`', async () => {
    // Prepare / Act
    const [flag, word] = await Promise.all([streamflow('run', '--help'), streamflow('help', 'run')]);

    // Assess
    expect(flag.code).toBe(0);
    expect(usageLines(flag.stdout)).toEqual(['streamflow run [options]']);
    expect(flag.stdout).toContain('--events N');
    expect(flag.stdout).not.toContain('Commands:');
    expect(word.stdout).toBe(flag.stdout);
  });

  it('prints the command list for `streamflow --help`', async () => {
    // Prepare / Act
    const result = await streamflow('--help');

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(COMMAND_LIST);
  });

  it('exits 2 on an unknown flag, pointing at that command\'s help', async () => {
    // Prepare / Act
    const result = await streamflow('load', '--bogus');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--bogus');
    expect(result.stderr).toContain('Run `streamflow load --help` for its options.');
  });

  it('exits 2 on an unknown command, pointing at the command list', async () => {
    // Prepare / Act
    const result = await streamflow('nope');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "nope"');
    expect(result.stderr).toContain('Run `streamflow help` for the commands.');
  });
});
