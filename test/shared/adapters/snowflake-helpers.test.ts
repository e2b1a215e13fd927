import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { driverLogLevelFor, redactSecrets } from '../../../lambdas/shared/adapters/snowflake-driver-log.js';
import { isLockConflict, isLockTimeout, isTransient, needsNewSession, withRetry, DEFAULT_RETRY_POLICY } from '../../../lambdas/shared/adapters/snowflake-errors.js';
import { copyResultsOf, loadFolderFor, safePath, stagedNameFor } from '../../../lambdas/shared/adapters/snowflake-load-sql.js';
import { parsePrivateKeySecret } from '../../../lambdas/shared/adapters/snowflake-private-key.js';
import { snowflakeError } from '../../support/fake-snowflake.js';

const { privateKey: PEM } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('the private key secret', () => {
  it('is a PKCS#8 PEM, or JSON with private_key and an optional passphrase', () => {
    expect(parsePrivateKeySecret(PEM, 'arn')).toEqual({ pem: PEM.trim() });
    expect(parsePrivateKeySecret(JSON.stringify({ private_key: PEM }), 'arn')).toEqual({ pem: PEM.trim() });
    expect(parsePrivateKeySecret(JSON.stringify({ private_key: PEM, private_key_passphrase: 'pass' }), 'arn')).toEqual({
      pem: PEM.trim(),
      passphrase: 'pass',
    });
  });

  it('is refused with a message that names the secret and its expected shape, never its content', () => {
    const cases = ['not a key', JSON.stringify({ key: PEM }), JSON.stringify({ private_key: 'MIIB-secret-material' }), '-----BEGIN PRIVATE KEY-----\nMIIB-secret-material'];
    for (const secret of cases) {
      let message = '';
      try {
        parsePrivateKeySecret(secret, 'arn:aws:secretsmanager:eu-west-1:1:secret:sf');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('arn:aws:secretsmanager:eu-west-1:1:secret:sf');
      expect(message).not.toContain('MIIB');
      expect(message).not.toContain('secret-material');
    }
  });
});

describe('Snowflake errors', () => {
  it('retries network, socket and expired-session failures, not SQL errors or rejected logins', () => {
    expect(isTransient(snowflakeError('Network error', 401001))).toBe(true);
    expect(isTransient(snowflakeError('socket hang up', 'ECONNRESET'))).toBe(true);
    expect(isTransient(Object.assign(new Error('Request failed'), { code: 401002, cause: snowflakeError('x', 'ETIMEDOUT') }))).toBe(true);
    expect(isTransient(snowflakeError('Authentication token has expired', '390114'))).toBe(true);
    expect(isTransient(snowflakeError('connection lost', 'X', '08006'))).toBe(true);
    expect(isTransient(snowflakeError('SQL compilation error', '001003', '42000'))).toBe(false);
    expect(isTransient(snowflakeError('JWT token is invalid', '390144'))).toBe(false);
    expect(isTransient(new Error('plain'))).toBe(false);
  });

  it('opens a new session only when the old one is gone', () => {
    expect(needsNewSession(snowflakeError('expired', 390114))).toBe(true);
    expect(needsNewSession(snowflakeError('socket hang up', 'ECONNRESET'))).toBe(false);
  });

  it('reads a lock wait that ran out as a lock timeout, and a deadlock as a lost race, whatever form the code takes', () => {
    expect(isLockTimeout(snowflakeError('lock timeout', '000625'))).toBe(true);
    expect(isLockTimeout(snowflakeError('lock timeout', 625))).toBe(true);
    expect(isLockConflict(snowflakeError('lock timeout', '000625'))).toBe(false);
    expect(isLockConflict(snowflakeError('Transaction aborted because of deadlock', '000000'))).toBe(true);
    expect(isLockTimeout(snowflakeError('Transaction aborted because of deadlock', '000000'))).toBe(false);
    expect(isLockConflict(snowflakeError('SQL compilation error', '001003'))).toBe(false);
    expect(isLockTimeout(snowflakeError('SQL compilation error', '001003'))).toBe(false);
  });

  it('backs off exponentially with jitter, capped, and gives up after the last attempt', async () => {
    // Prepare
    const sleeps: number[] = [];
    const work = vi.fn(() => Promise.reject(snowflakeError('Network error', 401001)));
    const policy = { ...DEFAULT_RETRY_POLICY, attempts: 5, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.5, sleep: (ms: number) => Promise.resolve(void sleeps.push(ms)) };

    // Act + Assess
    await expect(withRetry(work, policy, () => undefined)).rejects.toThrow('Network error');
    expect(work).toHaveBeenCalledTimes(5);
    expect(sleeps).toEqual([1250, 2500, 3750, 3750]);
  });
});

describe('staged paths and COPY results', () => {
  it("stages a load's files under a folder of its own with generated names, and finds each file in COPY's result rows", () => {
    const folder = loadFolderFor({ schema: 'bronze', name: 'raw_quarantine' }, '3f2a');
    const staged = [stagedNameFor(0, 'user_events+0+0-9.csv', 'quarantine/user_events/dt=2025-03-01/user_events+0+0-9.ndjson.gz'), stagedNameFor(1, 'x.csv.gz', 'gold/x.csv.gz')];
    expect(folder).toBe('@bronze.csv_stage/raw_quarantine/3f2a/');
    expect(staged.map((file) => file.name)).toEqual(['0.csv', '1.csv.gz']);
    const row = (file: string, rows: number) => ({ file, status: 'LOADED', rows_parsed: rows, rows_loaded: rows, errors_seen: 0, first_error: null });
    expect(copyResultsOf([row('raw_quarantine/3f2a/1.csv.gz', 5), row('raw_quarantine/3f2a/0.csv', 3)], staged)).toEqual(
      new Map([
        ['quarantine/user_events/dt=2025-03-01/user_events+0+0-9.ndjson.gz', { rowsParsed: 3, rowsLoaded: 3, errorsSeen: 0 }],
        ['gold/x.csv.gz', { rowsParsed: 5, rowsLoaded: 5, errorsSeen: 0 }],
      ]),
    );
    expect(() => copyResultsOf([{ status: 'Copy executed with 0 files processed.' }], staged)).toThrow(/COPY reported nothing for quarantine/);
  });

  it('allows in a staged path only characters that cannot close a quoted literal', () => {
    expect(safePath('/tmp/streamflow-put-abc/user_events+0+0-9.csv.gz')).toBe('/tmp/streamflow-put-abc/user_events+0+0-9.csv.gz');
    for (const bad of ["a'b", 'a b', 'a\\b', 'a/../b', '', 'a//b']) expect(() => safePath(bad), bad).toThrow(/cannot be staged/);
  });
});

describe('driver logging', () => {
  it('follows the Powertools level, quieter at INFO (the driver logs every request there)', () => {
    expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'].map(driverLogLevelFor)).toEqual([
      'TRACE',
      'DEBUG',
      'WARN',
      'WARN',
      'ERROR',
      'ERROR',
      'OFF',
    ]);
  });

  it('redacts PEM keys and JWTs', () => {
    expect(redactSecrets(`key ${PEM} and token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln end`)).toBe('key [redacted]\n and token [redacted] end');
  });
});
