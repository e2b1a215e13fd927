/**
 * Runs a Node child process and measures it from the inside: a preloaded one-line module writes
 * the child's `process.resourceUsage()` (peak RSS, CPU) to a file on exit, so no external tool
 * (GNU time) is needed and the figure is the child's own, not the parent's or npm's.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const USAGE_FILE_VARIABLE = 'STREAMFLOW_BENCH_USAGE_FILE';

/** A data: URL module, so the hook needs no file and no TypeScript loader. */
const USAGE_HOOK =
  'data:text/javascript,import{writeFileSync}from"node:fs";' +
  `const f=process.env.${USAGE_FILE_VARIABLE};` +
  'if(f)process.on("exit",()=>writeFileSync(f,JSON.stringify(process.resourceUsage())));';

/** The child's resident memory at a moment, with the stderr lines it had written by then. */
export interface RssSample {
  readonly atMs: number;
  readonly rssMb: number;
  readonly stderrLines: number;
}

export interface ChildRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** Peak resident set size of the child, in MB. */
  readonly peakRssMb: number;
  /** User + system CPU of the child, in ms. */
  readonly cpuMs: number;
  /** RSS read from /proc every {@link RSS_SAMPLE_MS} (Linux only; empty elsewhere). */
  readonly rssSamples: readonly RssSample[];
}

const RSS_SAMPLE_MS = 200;

/** Resident set size of a process in MB from /proc, or undefined where there is no /proc. */
const rssOf = async (pid: number): Promise<number | undefined> => {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

/** Runs `node [nodeArgs] script [args]` and waits for it. */
export const runNodeChild = async (nodeArgs: readonly string[], script: string, args: readonly string[], cwd: string): Promise<ChildRun> => {
  const dir = await mkdtemp(join(tmpdir(), 'streamflow-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', USAGE_HOOK, ...nodeArgs, script, ...args], {
      cwd,
      env: { ...process.env, [USAGE_FILE_VARIABLE]: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    let stderrLines = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      for (const byte of chunk) if (byte === 0x0a) stderrLines++;
    });
    const rssSamples: RssSample[] = [];
    const sampler = setInterval(() => {
      const sample = { atMs: performance.now() - started, stderrLines };
      if (child.pid !== undefined) void rssOf(child.pid).then((rssMb) => rssMb !== undefined && rssSamples.push({ ...sample, rssMb }));
    }, RSS_SAMPLE_MS);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    }).finally(() => clearInterval(sampler));
    const wallMs = performance.now() - started;
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as NodeJS.ResourceUsage;
    return {
      exitCode,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      wallMs,
      peakRssMb: usage.maxRSS / 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      rssSamples,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
