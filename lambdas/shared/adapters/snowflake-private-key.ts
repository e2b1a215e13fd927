/**
 * The Snowflake private key, read from Secrets Manager once per container and kept in memory:
 * warm invocations reuse it, and a failed login forgets it so a rotated key is picked up by the
 * next attempt. The key never leaves this module except into the driver's connection options.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The key-pair credentials the driver needs (PEM, PKCS#8; the passphrase only for an encrypted key). */
export interface PrivateKey {
  readonly pem: string;
  readonly passphrase?: string;
}

/** Where the adapter gets its key: cached after the first call until {@link forget}. */
export interface PrivateKeySource {
  get(): Promise<PrivateKey>;
  /** Drops the cached key (after a rejected login): the next {@link get} reads the secret again. */
  forget(): void;
}

const PEM = /^-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----[\s\S]+-----END (?:ENCRYPTED )?PRIVATE KEY-----\s*$/;

/**
 * The secret holds either the PEM itself, or JSON `{"private_key": "<PEM>", "private_key_passphrase": "…"}`
 * (the passphrase optional). Errors name the secret's shape, never its content.
 */
export const parsePrivateKeySecret = (secret: string, secretId: string): PrivateKey => {
  const text = secret.trim();
  if (text.startsWith('-----BEGIN')) {
    if (!PEM.test(text)) throw new Error(`Secret ${secretId} starts like a PEM key but is not a complete PKCS#8 private key`);
    return { pem: text };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // What a fresh deployment meets first: the storage stack's secret holds a random placeholder.
    throw new Error(
      `Secret ${secretId} holds no Snowflake private key yet. Put it there, the one manual step after the first deploy: ` +
        `aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string file://snowflake-secret.json ` +
        '(docs/deploy.md, "After the first deploy"); the secret must be a PEM private key or JSON {"private_key": "...", "private_key_passphrase": "..."}',
    );
  }
  const { private_key: pem, private_key_passphrase: passphrase } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof pem !== 'string' || !PEM.test(pem.trim())) {
    throw new Error(`Secret ${secretId} is JSON but its "private_key" is not a PKCS#8 PEM private key`);
  }
  if (passphrase !== undefined && typeof passphrase !== 'string') throw new Error(`Secret ${secretId}: "private_key_passphrase" must be text`);
  return passphrase ? { pem: pem.trim(), passphrase } : { pem: pem.trim() };
};

/**
 * Decrypts the key once, here, so a wrong passphrase is reported as one: the driver decrypts it
 * only while logging in, and says `error:1C800064:Provider routines::bad decrypt`. Errors name
 * where the key came from and what to check, never the key or the passphrase (nor does the
 * crypto error kept as their cause).
 */
export const assertDecryptable = (key: PrivateKey, source: string): PrivateKey => {
  try {
    createPrivateKey({ key: key.pem, format: 'pem', ...(key.passphrase === undefined ? {} : { passphrase: key.passphrase }) });
    return key;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_OSSL_BAD_DECRYPT') {
      throw new Error(
        `Snowflake private key ${source}: wrong passphrase or key (it could not be decrypted with the passphrase given: ` +
          'check SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, or "private_key_passphrase" in the secret, and that the key is the one it was encrypted with)',
        { cause: error },
      );
    }
    if (code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' || code === 'ERR_MISSING_PASSPHRASE') {
      throw new Error(
        `Snowflake private key ${source} is encrypted and no passphrase was given: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, or "private_key_passphrase" in the secret`,
        { cause: error },
      );
    }
    throw new Error(`Snowflake private key ${source} is not a readable PKCS#8 private key (${code ?? 'unknown error'})`, { cause: error });
  }
};

/** Caches what `fetchKey` returns; concurrent first calls share one fetch, and a failed fetch is not kept. */
const cachedSource = (fetchKey: () => Promise<PrivateKey>): PrivateKeySource => {
  let cached: Promise<PrivateKey> | undefined;
  return {
    get: () => {
      cached ??= fetchKey().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
    forget: () => {
      cached = undefined;
    },
  };
};

/** A key source backed by a PEM file on disk (the CLI and the integration tests, outside Lambda). */
export const filePrivateKey = (path: string, passphrase?: string): PrivateKeySource =>
  cachedSource(async () => {
    const key = parsePrivateKeySecret(await readFile(path, 'utf8'), path);
    return assertDecryptable(passphrase ? { ...key, passphrase } : key, path);
  });

/** A key source backed by one Secrets Manager secret, fetched at most once until forgotten. */
export const secretsManagerPrivateKey = (client: SecretsManagerClient, secretId: string): PrivateKeySource =>
  cachedSource(async () => {
    // Secrets Manager's own message ("can't find the specified secret") names neither the secret nor the fix.
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId })).catch((error: unknown) => {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      throw new Error(
        `Secret ${secretId} was not found: check SNOWFLAKE_SECRET_ARN, and put the Snowflake private key in the secret as JSON {"private_key": "<PEM>"} (docs/deploy.md, step 2)`,
        { cause: error },
      );
    });
    if (response.SecretString === undefined) throw new Error(`Secret ${secretId} has no SecretString (binary secrets are not supported)`);
    return assertDecryptable(parsePrivateKeySecret(response.SecretString, secretId), secretId);
  });
