/**
 * `npm run kafka [-- --port N]`: a single-node Apache Kafka (KRaft) on 127.0.0.1 for
 * `streamflow run --brokers` and `streamflow produce --brokers`. Its data lives in a fresh temporary
 * folder that is removed when it stops (Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { kafkaAnswers, missingKafkaJars, prepareKraftBroker } from '../lambdas/local/kraft-broker.js';

const READY_TIMEOUT_MS = 90_000;

const portFlag = (raw: string | undefined, fallback: number): number => {
  const port = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--port must be a TCP port (1 to 65535), not ${raw}`);
  return port;
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'controller-port': { type: 'string' } }, strict: true });
  const port = portFlag(values.port, 9092);
  const controllerPort = portFlag(values['controller-port'], port + 1);
  const missing = missingKafkaJars();
  if (missing) {
    console.error(`kafka: ${missing}`);
    return 2;
  }

  const started = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'streamflow-kafka-'));
  const launch = await prepareKraftBroker({ port, controllerPort, dataDir }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const broker = spawn(launch.command, [...launch.args], { stdio: ['ignore', 'inherit', 'pipe'] });
  // The jars pair slf4j-api 1.x with a 2.x backend, so slf4j announces it logs nothing: not news.
  createInterface({ input: broker.stderr }).on('line', (line) => {
    if (!line.startsWith('SLF4J: ')) console.error(line);
  });
  const exited = new Promise<number>((done) => broker.once('exit', (code, signal) => done(code ?? (signal ? 0 : 1))));
  const stop = (): void => {
    if (broker.exitCode === null) broker.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (broker.exitCode === null && !(await kafkaAnswers(launch.bootstrap))) {
    if (Date.now() > deadline) {
      console.error(`kafka: the broker did not answer on ${launch.bootstrap} within ${READY_TIMEOUT_MS / 1000} s; stopping it`);
      stop();
      break;
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  if (broker.exitCode === null && Date.now() <= deadline) {
    console.log(`Apache Kafka (KRaft, single node) is up on ${launch.bootstrap} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`  streamflow run --brokers ${launch.bootstrap}`);
    console.log(`  data: ${dataDir} (removed on exit). Press Ctrl-C to stop.`);
  }

  const code = await exited;
  await rm(dataDir, { recursive: true, force: true });
  console.log('kafka: stopped, data removed');
  return code;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`kafka: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
