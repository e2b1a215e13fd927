/**
 * The Snowflake connection of the CLI (and the integration tests), from the environment: the same
 * variable names as the loader Lambda, with the key from a local PEM file or from the Secrets
 * Manager secret the Lambda reads.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { filePrivateKey, secretsManagerPrivateKey, type PrivateKeySource } from '../../lambdas/shared/adapters/snowflake-private-key.js';
import type { SnowflakeTarget } from '../../lambdas/shared/adapters/snowflake-connection.js';
import { UsageError } from './flags.js';

/** A connection target and its key source, as the environment describes them. */
export interface SnowflakeEnv extends Omit<SnowflakeTarget, 'queryTag'> {
  readonly privateKey: PrivateKeySource;
}

const REQUIRED = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_ROLE'] as const;

/** What is missing to connect, or an empty list (the key counts as one item: a path or a secret). */
export const missingSnowflakeEnv = (env: NodeJS.ProcessEnv = process.env): string[] => [
  ...REQUIRED.filter((name) => !env[name]),
  ...(env.SNOWFLAKE_PRIVATE_KEY_PATH || env.SNOWFLAKE_SECRET_ARN ? [] : ['SNOWFLAKE_PRIVATE_KEY_PATH (or SNOWFLAKE_SECRET_ARN)']),
];

const loginTimeoutMsOf = (text: string): number => {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`SNOWFLAKE_LOGIN_TIMEOUT_SECONDS must be a positive number of seconds, got "${text}"`);
  return Math.round(seconds * 1000);
};

/** The connection settings; `database` and `warehouse` are the deploy's (they may not exist yet). */
export const snowflakeEnv = (names: { database: string; warehouse: string }, env: NodeJS.ProcessEnv = process.env): SnowflakeEnv => {
  const missing = missingSnowflakeEnv(env);
  if (missing.length > 0) {
    throw new UsageError(`connecting to Snowflake needs ${missing.join(', ')} in the environment (see sql/README.md)`);
  }
  const path = env.SNOWFLAKE_PRIVATE_KEY_PATH;
  return {
    account: env.SNOWFLAKE_ACCOUNT!,
    username: env.SNOWFLAKE_USER!,
    role: env.SNOWFLAKE_ROLE!,
    database: names.database,
    warehouse: names.warehouse,
    ...(env.SNOWFLAKE_ACCESS_URL ? { accessUrl: env.SNOWFLAKE_ACCESS_URL } : {}),
    ...(env.SNOWFLAKE_LOGIN_TIMEOUT_SECONDS ? { loginTimeoutMs: loginTimeoutMsOf(env.SNOWFLAKE_LOGIN_TIMEOUT_SECONDS) } : {}),
    privateKey: path
      ? filePrivateKey(path, env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE || undefined)
      : secretsManagerPrivateKey(new SecretsManagerClient({}), env.SNOWFLAKE_SECRET_ARN!),
  };
};
