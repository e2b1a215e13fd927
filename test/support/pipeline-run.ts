/**
 * A small local run of the whole pipeline (`streamflow run` as a child process, as a user runs
 * it), in a temporary folder, for suites that check what the end of the pipeline shows.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempFolder } from './files.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A fixed end of the event window, so the same seed gives the same warehouse on any day. */
export const PIPELINE_UNTIL = '2026-03-15T12:00:00Z';

export interface PipelineRun {
  readonly dir: string;
  readonly warehouseFile: string;
  readonly stdout: string;
  readonly stderr: string;
  remove(): Promise<void>;
}

/**
 * Runs `streamflow run` over `events` generated events (seeded, 5 % dirty, 13 months ending at
 * {@link PIPELINE_UNTIL}) and resolves once it exits 0.
 */
export const runPipeline = async (label: string, events = 4_000): Promise<PipelineRun> => {
  const folder = await tempFolder(label);
  const dir = join(folder.path, 'out');
  const args = ['bin/streamflow.mjs', 'run', '--events', String(events), '--seed', '7', '--dirty-rate', '0.05', '--until', PIPELINE_UNTIL, '--out', dir];
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
      if (error) reject(new Error(`streamflow run failed (${String(error.code)}): ${err}`, { cause: error }));
      else resolve({ stdout: out, stderr: err });
    });
  });
  return { dir, warehouseFile: join(dir, 'warehouse.duckdb'), stdout, stderr, remove: folder.remove };
};

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <nodeOptions> bin/streamflow.mjs ...args` from the repository root with `env` added to the environment; never rejects. */
const spawnStreamflow = (nodeOptions: readonly string[], env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeOptions, 'bin/streamflow.mjs', ...args],
      { cwd: REPO, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });

/** Runs `node <nodeOptions> bin/streamflow.mjs ...args` from the repository root; never rejects. */
export const streamflowNode = (nodeOptions: readonly string[], ...args: string[]): Promise<CliResult> => spawnStreamflow(nodeOptions, {}, args);

/** Runs `node bin/streamflow.mjs ...args` from the repository root, as a user would; never rejects. */
export const streamflowCli = (...args: string[]): Promise<CliResult> => streamflowNode([], ...args);

/** {@link streamflowCli} with variables added to the environment (credentials, endpoints, timeouts). */
export const streamflowCliWithEnv = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> => spawnStreamflow([], env, args);
