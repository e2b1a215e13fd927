/**
 * Finding and running the independent implementations the emulator suites stand on (Apache Kafka,
 * moto, fakesnow, cfn-lint), installed by `npm run emulators:setup` into `.emulators/`.
 *
 * Where a tool is missing a suite skips and prints why, so `npm test` passes on a machine with Node
 * alone; `npm run test:emulators` sets STREAMFLOW_REQUIRE_EMULATORS=1, which turns a missing tool
 * into a failure, so CI cannot pass with an emulator suite skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const EMULATORS_HOME = join(REPO_ROOT, '.emulators');
const VENV_BIN = join(EMULATORS_HOME, 'venv', 'bin');
export const KAFKA_LIBS = join(EMULATORS_HOME, 'kafka', 'libs');

export type EmulatorName = 'kafka' | 'moto' | 'fakesnow' | 'cfn-lint';

const SETUP_HINT = 'run `npm run emulators:setup`';

/** Why `name` cannot run here, or undefined when it can. */
export function missingEmulator(name: EmulatorName): string | undefined {
  switch (name) {
    case 'kafka': {
      if (!existsSync(KAFKA_LIBS) || !readdirSync(KAFKA_LIBS).some((jar) => jar.startsWith('kafka_2.13-'))) {
        return `the Apache Kafka jars are not in .emulators/kafka/libs (${SETUP_HINT})`;
      }
      if (spawnSync('java', ['-version']).status !== 0) return 'java is not on the PATH (Kafka 4 needs Java 17)';
      return undefined;
    }
    case 'moto':
      return existsSync(join(VENV_BIN, 'moto_server')) ? undefined : `moto_server is not in .emulators/venv (${SETUP_HINT})`;
    case 'fakesnow':
      return existsSync(join(VENV_BIN, 'fakesnow')) ? undefined : `fakesnow is not in .emulators/venv (${SETUP_HINT})`;
    case 'cfn-lint':
      return existsSync(join(VENV_BIN, 'cfn-lint')) ? undefined : `cfn-lint is not in .emulators/venv (${SETUP_HINT})`;
  }
}

/** The path of an executable in the emulators' Python venv. */
export const venvBin = (command: string): string => join(VENV_BIN, command);

/**
 * `describe` for a suite that stands on `emulator`: skipped with a printed reason where the tool is
 * missing, failed instead when STREAMFLOW_REQUIRE_EMULATORS=1 (as `npm run test:emulators` sets).
 */
export function describeOnEmulator(emulator: EmulatorName, title: string, suite: () => void): void {
  const missing = missingEmulator(emulator);
  if (missing && process.env.STREAMFLOW_REQUIRE_EMULATORS === '1') {
    throw new Error(`${title}: ${emulator} is required here but ${missing}`);
  }
  if (missing) console.info(`skipped "${title}": ${missing}`);
  describe.skipIf(missing !== undefined)(title, suite);
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A server process a suite started; `stop()` ends it (and its children) and waits for the exit. */
export interface RunningEmulator {
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Resolves once the server answers; polled until `timeoutMs`. */
  readonly ready: () => Promise<boolean>;
  readonly timeoutMs?: number;
}

/**
 * Starts a server in its own process group and waits until `ready()` says it answers. The process is
 * killed when the test process exits, so a crashed suite never leaves a server behind.
 */
export async function startEmulator(options: StartOptions): Promise<RunningEmulator> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let printed = '';
  const keep = (chunk: Buffer): void => {
    printed = (printed + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killGroup);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.command} exited with ${child.exitCode} before it was ready:\n${printed}`);
    if (await options.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      killGroup();
      throw new Error(`${options.command} did not become ready within ${options.timeoutMs ?? 60_000} ms:\n${printed}`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }

  return {
    port: options.port,
    process: child,
    output: () => printed,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        const timer = setTimeout(killGroup, 10_000);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killGroup);
    },
  };
}

/** True once an HTTP GET of `url` answers at all (any status). */
export async function answersHttp(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return true;
}
