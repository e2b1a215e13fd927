/**
 * An Apache Kafka broker (KRaft, single node) for a suite: started on free 127.0.0.1 ports from
 * the same module `npm run kafka` uses, its data in a temporary folder removed on stop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaAnswers, prepareKraftBroker } from '../../../lambdas/local/kraft-broker.js';
import { KAFKA_LIBS, freePort, startEmulator } from './emulators.js';

export interface RunningKafka {
  /** `127.0.0.1:<port>`, for `--brokers` and kafkajs. */
  readonly bootstrap: string;
  /** Milliseconds from formatting the storage to the first answered client request. */
  readonly startMs: number;
  /** A kafkajs client for the suite's own admin and producer work. */
  client(clientId?: string): Kafka;
  stop(): Promise<void>;
}

export const startKafka = async (): Promise<RunningKafka> => {
  const started = performance.now();
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), 'streamflow-kafka-test-'));
  const launch = await prepareKraftBroker({ port, controllerPort, dataDir, libsDir: KAFKA_LIBS });
  const broker = await startEmulator({ command: launch.command, args: launch.args, port, ready: () => kafkaAnswers(launch.bootstrap), timeoutMs: 120_000 });
  return {
    bootstrap: launch.bootstrap,
    startMs: performance.now() - started,
    client: (clientId = 'streamflow-test') => new Kafka({ clientId, brokers: [launch.bootstrap], logLevel: logLevel.NOTHING }),
    stop: async () => {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
