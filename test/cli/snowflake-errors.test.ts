/**
 * `streamflow sql deploy` as a user runs it (a child process), when the credentials or the
 * network are wrong: a wrong key passphrase is named as such, and an unreachable Snowflake ends
 * within the login timeout with a message naming the host, instead of hanging. The servers are
 * real local TCP servers on 127.0.0.1 (one that accepts and never answers, one port that refuses);
 * the driver is the real snowflake-sdk.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../emulators/support/emulators.js';
import { tempFolder } from '../support/files.js';
import { streamflowCliWithEnv } from '../support/pipeline-run.js';

const PASSPHRASE = 'correct horse battery staple';
let folder: Awaited<ReturnType<typeof tempFolder>>;
let keyPath: string;
let silent: Server;
let silentPort: number;
const held: Socket[] = [];

/** The variables `sql deploy` reads, for a login against `accessUrl`. */
const snowflakeVariables = (accessUrl: string, passphrase: string): NodeJS.ProcessEnv => ({
  SNOWFLAKE_ACCOUNT: 'myorg-myaccount',
  SNOWFLAKE_USER: 'STREAMFLOW_DEPLOY',
  SNOWFLAKE_ROLE: 'SYSADMIN',
  SNOWFLAKE_PRIVATE_KEY_PATH: keyPath,
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: passphrase,
  SNOWFLAKE_ACCESS_URL: accessUrl,
  SNOWFLAKE_LOGIN_TIMEOUT_SECONDS: '2',
});

beforeAll(async () => {
  folder = await tempFolder('snowflake-errors');
  keyPath = join(folder.path, 'rsa_key.p8');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }));
  silentPort = await freePort();
  // Accepts every connection and never writes a byte: a black-holed route, a stuck proxy.
  silent = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await folder.remove();
});

describe('streamflow sql deploy, credentials and network errors (real snowflake-sdk, local TCP servers)', () => {
  it('a wrong private-key passphrase says "wrong passphrase or key", naming the key file and never the passphrase', async () => {
    // Act
    const result = await streamflowCliWithEnv(snowflakeVariables(`http://127.0.0.1:${silentPort}`, 'not the passphrase'), 'sql', 'deploy');

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/wrong passphrase or key/);
    expect(result.stderr).toContain(keyPath);
    expect(result.stderr).not.toMatch(/bad decrypt|1C800064/);
    expect(result.stderr + result.stdout).not.toContain('not the passphrase');
  });

  it('a Snowflake that accepts and never answers fails after the login timeout, naming the host and the timeout', async () => {
    // Act
    const started = Date.now();
    const result = await streamflowCliWithEnv(snowflakeVariables(`http://127.0.0.1:${silentPort}`, PASSPHRASE), 'sql', 'deploy');
    const seconds = (Date.now() - started) / 1000;

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Snowflake at 127\\.0\\.0\\.1:${silentPort} did not complete a login within 2 s`));
    expect(result.stderr).toContain('SNOWFLAKE_LOGIN_TIMEOUT_SECONDS');
    expect(held.length).toBeGreaterThan(0);
    // The CLI starts in a few seconds here; the driver's own bound would be 5 minutes.
    expect(seconds).toBeLessThan(30);
  });

  it('a port that refuses connections fails the same way within the timeout (the driver retries a refusal for minutes)', async () => {
    // Prepare: a port that was free a moment ago, with nothing listening.
    const refusing = await freePort();

    // Act
    const started = Date.now();
    const result = await streamflowCliWithEnv(snowflakeVariables(`http://127.0.0.1:${refusing}`, PASSPHRASE), 'sql', 'deploy');
    const seconds = (Date.now() - started) / 1000;

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Snowflake at 127\\.0\\.0\\.1:${refusing} did not complete a login within 2 s`));
    expect(seconds).toBeLessThan(30);
  });

  it('a login timeout that is not a positive number is a usage error', async () => {
    const result = await streamflowCliWithEnv({ ...snowflakeVariables('http://127.0.0.1:9', PASSPHRASE), SNOWFLAKE_LOGIN_TIMEOUT_SECONDS: 'soon' }, 'sql', 'deploy');

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/SNOWFLAKE_LOGIN_TIMEOUT_SECONDS must be a positive number of seconds, got "soon"/);
  });
});
