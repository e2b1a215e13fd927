import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingKafkaJars, prepareKraftBroker, randomClusterId } from '../../lambdas/local/kraft-broker.js';
import { tempFolder } from '../support/files.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder('kraft');
});

afterAll(async () => {
  await folder.remove();
});

describe('kraft-broker (no JVM started)', () => {
  it('says to run emulators:setup when the Kafka jars are missing, and prepares nothing', async () => {
    // Prepare
    const libsDir = join(folder.path, 'no-libs');
    const dataDir = join(folder.path, 'data');
    await mkdir(dataDir);

    // Act
    const prepare = prepareKraftBroker({ port: 19092, controllerPort: 19093, dataDir, libsDir });

    // Assess
    expect(missingKafkaJars(libsDir)).toBe(`the Apache Kafka jars are not in ${libsDir}; run npm run emulators:setup`);
    await expect(prepare).rejects.toThrow('run npm run emulators:setup');
    await expect(readFile(join(dataDir, 'server.properties'))).rejects.toThrow();
  });

  it('finds the jars once a kafka_2.13 jar is there', async () => {
    // Prepare
    const libsDir = join(folder.path, 'libs');
    await mkdir(libsDir);
    await writeFile(join(libsDir, 'kafka_2.13-4.1.1.jar'), '');

    // Act / Assess
    expect(missingKafkaJars(libsDir)).toBeUndefined();
  });

  it('makes cluster ids as kafka-storage random-uuid prints them: 22 URL-safe base64 characters, never a leading -, fresh each time', () => {
    // Act: 2,000 ids hold a leading "-" with odds of 1 - (63/64)^2000 if nothing prevented it
    const ids = Array.from({ length: 2_000 }, randomClusterId);

    // Assess
    expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(2_000);
  });
});
