import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { secretsManagerPrivateKey } from '../../../lambdas/shared/adapters/snowflake-private-key.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startMoto, type Moto } from '../support/moto.js';

/**
 * A key pair as Snowflake's key-pair authentication guide makes one (RSA 2048, PKCS#8 PEM, the
 * private key optionally encrypted): https://docs.snowflake.com/en/user-guide/key-pair-auth
 */
const keyPair = (passphrase?: string): { privatePem: string; publicPem: string } => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
};

/** The public key the fetched private key belongs to: proves the PEM came back whole and usable. */
const publicKeyOf = (pem: string, passphrase?: string): string =>
  createPublicKey(createPrivateKey(passphrase ? { key: pem, passphrase } : pem)).export({ type: 'spki', format: 'pem' }).toString();

describeOnEmulator('moto', "Snowflake private key from Secrets Manager (secretsManagerPrivateKey) against moto's Secrets Manager", () => {
  let moto: Moto;
  let client: SecretsManagerClient;
  let calls: number;
  let serial = 0;

  beforeAll(async () => {
    moto = await startMoto();
    client = new SecretsManagerClient(moto.clientConfig);
    calls = 0;
    client.middlewareStack.add(
      (next) => (args) => {
        calls++;
        return next(args);
      },
      { step: 'initialize', name: 'countSecretsManagerCalls' },
    );
  });

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  const createSecret = async (secretString: string): Promise<string> => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: `streamflow/snowflake-key-${++serial}`, SecretString: secretString }));
    return ARN!;
  };

  it("reads an unencrypted PKCS#8 key stored as the bare PEM, by the secret's ARN, against moto's Secrets Manager", async () => {
    // Prepare
    const { privatePem, publicPem } = keyPair();
    const arn = await createSecret(privatePem);

    // Act
    const key = await secretsManagerPrivateKey(client, arn).get();

    // Assess
    expect(key.passphrase).toBeUndefined();
    expect(publicKeyOf(key.pem)).toBe(publicPem);
  });

  it("reads an encrypted PKCS#8 key with its passphrase from a JSON secret, against moto's Secrets Manager", async () => {
    // Prepare
    const passphrase = 'correct horse battery staple';
    const { privatePem, publicPem } = keyPair(passphrase);
    const arn = await createSecret(JSON.stringify({ private_key: privatePem, private_key_passphrase: passphrase }));

    // Act
    const key = await secretsManagerPrivateKey(client, arn).get();

    // Assess
    expect(key.pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(key.passphrase).toBe(passphrase);
    expect(publicKeyOf(key.pem, key.passphrase)).toBe(publicPem);
  });

  it("fetches once per container and, after forget(), picks up a rotated key, against moto's Secrets Manager", async () => {
    // Prepare
    const before = keyPair();
    const after = keyPair();
    const arn = await createSecret(before.privatePem);
    const source = secretsManagerPrivateKey(client, arn);
    await source.get();
    const callsAfterFirstGet = calls;

    // Act
    await source.get();
    const callsAfterWarmGet = calls;
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: after.privatePem }));
    const cached = await source.get();
    source.forget();
    const rotated = await source.get();

    // Assess
    expect(callsAfterWarmGet).toBe(callsAfterFirstGet);
    expect(publicKeyOf(cached.pem)).toBe(before.publicPem);
    expect(publicKeyOf(rotated.pem)).toBe(after.publicPem);
  });

  it("fails with an error naming the secret and the fix when it does not exist, against moto's Secrets Manager", async () => {
    // Prepare
    const missing = 'streamflow/no-such-secret';

    // Act
    const fetching = secretsManagerPrivateKey(client, missing).get();

    // Assess
    await expect(fetching).rejects.toThrow(/Secret streamflow\/no-such-secret was not found: .*put the Snowflake private key in the secret/);
  });

  it("rejects a secret that holds no private key without echoing its content, against moto's Secrets Manager", async () => {
    // Prepare: what an operator might paste by mistake (the public key).
    const { publicPem } = keyPair();
    const arn = await createSecret(publicPem);

    // Act
    const fetching = secretsManagerPrivateKey(client, arn).get();

    // Assess
    await expect(fetching).rejects.toThrow(/starts like a PEM key but is not a complete PKCS#8 private key/);
    await expect(fetching).rejects.not.toThrow(/BEGIN PUBLIC KEY/);
  });
});
