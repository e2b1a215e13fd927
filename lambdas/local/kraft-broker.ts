/**
 * A single-node Apache Kafka in KRaft mode (one JVM that is both broker and controller), run from
 * the jars `npm run emulators:setup` puts in `.emulators/kafka/libs`. `npm run kafka` and the
 * emulator suites both start it from here, so what a person runs is what the tests prove.
 *
 * KRaft needs its storage formatted before the first start (`kafka-storage format`), with a
 * cluster id and, for a single controller, `--standalone`:
 * https://kafka.apache.org/41/operations/kraft (Provisioning Nodes)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_LIBS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../.emulators/kafka/libs');

export interface KraftBrokerOptions {
  /** The client listener (PLAINTEXT) on 127.0.0.1. */
  readonly port: number;
  /** The controller listener on 127.0.0.1 (KRaft's quorum traffic). */
  readonly controllerPort: number;
  /** An empty folder for the log, the config files and nothing else; the caller removes it. */
  readonly dataDir: string;
  /** @default KAFKA_LIBS_DIR */
  readonly libsDir?: string;
}

/** How to start the formatted broker: a `java` command line. */
export interface KraftLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly bootstrap: string;
}

/** Why the broker cannot start here (jars missing), or undefined. */
export const missingKafkaJars = (libsDir: string = KAFKA_LIBS_DIR): string | undefined =>
  existsSync(libsDir) && readdirSync(libsDir).some((jar) => jar.startsWith('kafka_2.13-'))
    ? undefined
    : `the Apache Kafka jars are not in ${libsDir}; run npm run emulators:setup`;

/**
 * Kafka's cluster id format: 16 random bytes, URL-safe base64 without padding (what `kafka-storage
 * random-uuid` prints). Like Kafka's own Uuid.randomUuid, never one that starts with `-`: the
 * storage tool's argument parser reads `--cluster-id -abc…` as a missing value and an unknown
 * option (1 start in 64 failed so, once in CI).
 */
export const randomClusterId = (): string => {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
};

/**
 * Broker settings for one node: replication factor 1 for the internal topics (there is no
 * second broker), no rebalance delay (a single consumer need not wait for others to join), no
 * auto-created topics, as on MSK, so a producer writing to a topic nobody created fails loudly,
 * and no time-based retention: a backfill's records carry event times up to 13 months old, and
 * Kafka deletes segments by record timestamp (7 days by default).
 */
const serverProperties = (options: KraftBrokerOptions): string =>
  [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(options.dataDir, 'log')}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.ms=-1',
    '',
  ].join('\n');

/** log4j2 to stderr at WARN: the broker says nothing unless something is wrong. */
const LOG4J2_PROPERTIES = [
  'status = warn',
  'appender.stderr.type = Console',
  'appender.stderr.name = STDERR',
  'appender.stderr.target = SYSTEM_ERR',
  'appender.stderr.layout.type = PatternLayout',
  'appender.stderr.layout.pattern = [kafka] %p %c{1}: %m%n',
  'rootLogger.level = warn',
  'rootLogger.appenderRef.stderr.ref = STDERR',
  '',
].join('\n');

const jvmArgs = (options: KraftBrokerOptions, configDir: string): string[] => [
  '-Xmx512m',
  '-XX:+UseSerialGC',
  `-Dlog4j2.configurationFile=${join(configDir, 'log4j2.properties')}`,
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.logFile=System.err',
  '-cp',
  `${options.libsDir ?? KAFKA_LIBS_DIR}/*`,
];

const run = (command: string, args: readonly string[]): Promise<string> =>
  new Promise((done, fail) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done(printed) : fail(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${printed}`))));
  });

/**
 * Writes the broker's config into `dataDir`, formats its storage with a fresh cluster id, and
 * returns the command line that starts it. Formatting is a JVM of its own (a few seconds).
 */
export const prepareKraftBroker = async (options: KraftBrokerOptions): Promise<KraftLaunch> => {
  const missing = missingKafkaJars(options.libsDir);
  if (missing) throw new Error(missing);
  const properties = join(options.dataDir, 'server.properties');
  await writeFile(properties, serverProperties(options));
  await writeFile(join(options.dataDir, 'log4j2.properties'), LOG4J2_PROPERTIES);
  const java = jvmArgs(options, options.dataDir);
  // Kafka 4.1 keeps `kafka-storage` in the core jar as kafka.tools.StorageTool. C1 only: the tool
  // runs for a moment, so the optimising compiler would cost more than it saves.
  await run('java', ['-XX:TieredStopAtLevel=1', ...java, 'kafka.tools.StorageTool', 'format', '--cluster-id', randomClusterId(), '--config', properties, '--standalone']);
  return { command: 'java', args: [...java, 'kafka.Kafka', properties], bootstrap: `127.0.0.1:${options.port}` };
};

/**
 * True once the broker serves clients: its port alone opens before the group coordinator has
 * loaded, so this asks for the cluster and the coordinator of a consumer group as a client would.
 */
export const kafkaAnswers = async (bootstrap: string): Promise<boolean> => {
  const admin = new Kafka({ clientId: 'streamflow-readiness', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000 }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    await admin.describeGroups(['streamflow-readiness']);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};
