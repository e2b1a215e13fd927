/**
 * The one typed configuration of the CDK app, read from `cdk.json` "context" (or `-c key=value`).
 * Every key has a default here, so a fresh clone synthesizes; a bad value stops synthesis with a
 * message that names the key. Constructs receive this object and never read the environment.
 */
import { z } from 'zod';
import { MAX_FILES_PER_COPY } from '../lambdas/shared/adapters/snowflake-load-sql.js';
import { DEFAULT_STAGE } from '../lambdas/shared/contracts/consumer-groups.js';
import { LOAD_MODES, type LoadMode } from '../lambdas/shared/contracts/load-mode.js';

/** Where the consumer's event source mapping starts reading a topic it has never read. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/**
 * How the private subnets reach the AWS APIs that need a route: one NAT gateway, or interface
 * endpoints for exactly the services that need one (the MSK API always, for the producer and the
 * topic custom resource; Lambda and STS only for on-demand pollers) and no internet route at all.
 */
export type Egress = 'nat' | 'endpoints';

/** How the consumer's event pollers scale; retries and batch splitting need `provisioned`. */
export type PollerMode = 'provisioned' | 'on-demand';

/** MSK Serverless (billed per cluster-hour) or provisioned brokers (billed per broker-hour). */
export type KafkaClusterKind = 'serverless' | 'provisioned';

/** A named set of defaults (`-c preset=prod`); any key set in the context still wins. */
export type PresetName = 'dev' | 'prod';

/**
 * Broker types of MSK provisioned clusters that support IAM access control
 * (https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html; kafka.t3.small
 * included). Only Standard brokers: Express brokers need three Availability Zones.
 */
export const KAFKA_BROKER_TYPES = [
  'kafka.t3.small',
  'kafka.m5.large',
  'kafka.m5.xlarge',
  'kafka.m5.2xlarge',
  'kafka.m7g.large',
  'kafka.m7g.xlarge',
  'kafka.m7g.2xlarge',
  'kafka.m7g.4xlarge',
] as const;
export type KafkaBrokerType = (typeof KAFKA_BROKER_TYPES)[number];

export interface StorageConfig {
  /** Delete buckets (and their objects), the data key and the Snowflake secret with the stacks. */
  readonly removeDataOnDestroy: boolean;
  readonly landingRetentionDays: number;
  readonly goldRetentionDays: number;
  readonly quarantineRetentionDays: number;
  readonly onFailureRetentionDays: number;
  readonly accessLogRetentionDays: number;
}

export interface StreamingConfig {
  /**
   * The two Availability Zones (names) of the VPC; empty: the region's first two. Set it in
   * us-east-1 when your account's first two names map to use1-az3, which MSK brokers cannot use.
   */
  readonly availabilityZones: readonly string[];
  readonly egress: Egress;
  readonly topicPartitions: number;
  readonly cluster: KafkaClusterKind;
  /** Provisioned clusters only: broker type, broker count (a multiple of the 2 AZs), EBS GB per broker. */
  readonly brokerType: KafkaBrokerType;
  readonly brokerNodes: number;
  readonly brokerStorageGb: number;
}

export interface ConsumerConfig {
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly startingPosition: StartingPosition;
  readonly pollerMode: PollerMode;
  readonly minPollers: number;
  readonly maxPollers: number;
  /**
   * Retries after the first failed invocation of a batch (provisioned mode only). -1 means
   * "infinite", but with an on-failure destination (the consumer always has one) Lambda applies at
   * most 10 (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html).
   */
  readonly retryAttempts: number;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface LoaderConfig {
  /**
   * `snowpipe`: the loader PUTs and asks each table's pipe to load (no warehouse awake for loads);
   * `copy`: it COPYs on the warehouse. Must match `streamflow sql deploy --load-mode`.
   */
  readonly loadMode: LoadMode;
  readonly scheduleMinutes: number;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** 0 leaves the loader unreserved (new accounts cannot reserve concurrency). */
  readonly reservedConcurrency: number;
  /** How long the queue's event source mapping gathers S3 events before one load. */
  readonly batchingWindowSeconds: number;
  /** Most S3 events (files) one load takes from the queue. */
  readonly batchSize: number;
  /** Most loads the queue runs at once (ScalingConfig.MaximumConcurrency). */
  readonly maxConcurrency: number;
}

export interface ProducerConfig {
  readonly scheduleEnabled: boolean;
  readonly scheduleMinutes: number;
  readonly eventsPerRun: number;
  readonly dirtyRate: number;
}

export interface SnowflakeConfig {
  /** Account identifier (`orgname-accountname`); empty until you set it (synth warns). */
  readonly account: string;
  readonly user: string;
  readonly role: string;
  readonly warehouse: string;
  readonly database: string;
  /** Complete ARN of an existing secret; empty: the storage stack creates one for you to fill. */
  readonly secretArn: string;
}

export interface AlarmConfig {
  /** Subscribed to the alarm topic when set. */
  readonly email: string;
  readonly consumerErrors: number;
  readonly consumerThrottles: number;
  readonly offsetLagRecords: number;
  readonly loaderErrors: number;
  /** Files the loader rejected (they stay out of Bronze until fixed and dropped again). */
  readonly rejectedFiles: number;
  readonly loadFreshnessMinutes: number;
  readonly quarantineRatePercent: number;
  readonly dataQualityFailures: number;
}

export interface StreamFlowConfig {
  readonly preset: PresetName;
  readonly stage: string;
  readonly logRetentionDays: number;
  readonly storage: StorageConfig;
  readonly streaming: StreamingConfig;
  readonly consumer: ConsumerConfig;
  readonly loader: LoaderConfig;
  readonly producer: ProducerConfig;
  readonly snowflake: SnowflakeConfig;
  readonly alarms: AlarmConfig;
}

/**
 * Availability Zones of the VPC. An environment-agnostic stack (which keeps `cdk synth` offline)
 * sees exactly two, and both MSK Serverless and provisioned clusters need at least two.
 */
export const AVAILABILITY_ZONES = 2;

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Values typed on the command line (`-c key=value`) arrive as strings; cdk.json gives JSON types. */
const fromText = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : value;
};

const integer = (min: number, max: number) =>
  z.preprocess(fromText, z.number({ error: 'expected a number' }).int('expected a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const rate = z.preprocess(fromText, z.number({ error: 'expected a number' }).min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1'));

const flag = z.preprocess(fromText, z.boolean({ error: 'expected true or false' }));

const text = (pattern: RegExp, message: string) => z.string({ error: 'expected a string' }).regex(pattern, message);

const optionalText = (pattern: RegExp, message: string) => z.string({ error: 'expected a string' }).refine((value) => value === '' || pattern.test(value), message);

const retentionDays = z.preprocess(
  fromText,
  z.number({ error: 'expected a number' }).refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
);

/** The longest function timeout an MSK event source mapping accepts (14 minutes). */
export const MSK_CONSUMER_MAX_TIMEOUT_SECONDS = 840;

const SNOWFLAKE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;
const SNOWFLAKE_IDENTIFIER_MESSAGE = 'expected an unquoted Snowflake identifier (letters, digits, _ or $)';

/**
 * Every context key, its rule and its default. The key names are what users type in cdk.json
 * and after `-c`, so they are flat and self-describing.
 */
const CONTEXT_SCHEMA = {
  preset: { rule: z.enum(['dev', 'prod'], { error: 'expected "dev" or "prod"' }), default: 'dev' },
  stage: { rule: text(/^[a-z][a-z0-9-]{0,19}$/, 'expected lower-case letters, digits or "-", starting with a letter (max 20)'), default: DEFAULT_STAGE },
  logRetentionDays: { rule: retentionDays, default: 30 },

  removeDataOnDestroy: { rule: flag, default: false },
  landingRetentionDays: { rule: integer(31, 3650), default: 365 },
  goldRetentionDays: { rule: integer(1, 3650), default: 90 },
  quarantineRetentionDays: { rule: integer(1, 3650), default: 180 },
  onFailureRetentionDays: { rule: integer(1, 3650), default: 30 },
  accessLogRetentionDays: { rule: integer(1, 3650), default: 90 },

  egress: { rule: z.enum(['nat', 'endpoints'], { error: 'expected "nat" or "endpoints"' }), default: 'endpoints' },
  topicPartitions: { rule: integer(1, 120), default: 3 },
  availabilityZones: {
    rule: optionalText(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z],[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'expected two Availability Zone names separated by a comma, e.g. "us-east-1a,us-east-1b" (or "" for the first two)'),
    default: '',
  },
  kafkaCluster: { rule: z.enum(['serverless', 'provisioned'], { error: 'expected "serverless" or "provisioned"' }), default: 'provisioned' },
  kafkaBrokerType: { rule: z.enum(KAFKA_BROKER_TYPES, { error: `expected one of ${KAFKA_BROKER_TYPES.join(', ')}` }), default: 'kafka.t3.small' },
  // MSK quota: 30 brokers per provisioned cluster by default; CloudFormation's VolumeSize range is 1–16,384 GiB.
  kafkaBrokerNodes: { rule: integer(2, 30), default: 2 },
  kafkaBrokerStorageGb: { rule: integer(1, 16_384), default: 10 },

  // Ranges AWS enforces on Kafka event source mappings, checked here so that `cdk synth` fails
  // instead of the deployment: BatchSize 1–10,000 and MaximumBatchingWindowInSeconds 0–300
  // (https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-parameters.html), MinimumPollers 1–200 and
  // MaximumPollers 1–2,000 (https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html),
  // MaximumRetryAttempts -1–10,000 (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html).
  consumerBatchSize: { rule: integer(1, 10_000), default: 5000 },
  consumerBatchingWindowSeconds: { rule: integer(0, 300), default: 10 },
  consumerStartingPosition: { rule: z.enum(['TRIM_HORIZON', 'LATEST'], { error: 'expected "TRIM_HORIZON" or "LATEST"' }), default: 'TRIM_HORIZON' },
  consumerPollerMode: { rule: z.enum(['provisioned', 'on-demand'], { error: 'expected "provisioned" or "on-demand"' }), default: 'on-demand' },
  consumerMinPollers: { rule: integer(1, 200), default: 1 },
  consumerMaxPollers: { rule: integer(1, 2000), default: 2 },
  consumerRetryAttempts: { rule: integer(-1, 10_000), default: -1 },
  consumerMemoryMb: { rule: integer(128, 10_240), default: 512 },
  // Lambda allows 900 s, but an MSK event source mapping invokes functions of at most 14 minutes
  // (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html, the note on timeouts).
  consumerTimeoutSeconds: { rule: integer(10, MSK_CONSUMER_MAX_TIMEOUT_SECONDS), default: 120 },

  loadMode: { rule: z.enum(LOAD_MODES, { error: 'expected "copy" or "snowpipe"' }), default: 'snowpipe' },
  loaderScheduleMinutes: { rule: integer(1, 1440), default: 15 },
  loaderMemoryMb: { rule: integer(128, 10_240), default: 1024 },
  loaderTimeoutSeconds: { rule: integer(10, 900), default: 300 },
  loaderReservedConcurrency: { rule: integer(0, 1000), default: 0 },
  // The SQS event source mapping that gathers S3 events for the loader: MaximumBatchingWindowInSeconds
  // 0–300, BatchSize up to 10,000 on a standard queue
  // (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html), kept at most 1,000 here
  // so that one batch fits one COPY … FILES = (…) per table; MaximumConcurrency 2–1,000
  // (https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html).
  loaderBatchingWindowSeconds: { rule: integer(0, 300), default: 10 },
  loaderBatchSize: { rule: integer(1, MAX_FILES_PER_COPY), default: MAX_FILES_PER_COPY },
  loaderMaxConcurrency: { rule: integer(2, 1000), default: 2 },

  producerScheduleEnabled: { rule: flag, default: false },
  producerScheduleMinutes: { rule: integer(1, 1440), default: 5 },
  producerEventsPerRun: { rule: integer(1, 1_000_000), default: 2000 },
  producerDirtyRate: { rule: rate, default: 0.02 },

  snowflakeAccount: {
    rule: optionalText(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected an account identifier such as "myorg-myaccount" (without ".snowflakecomputing.com")'),
    default: '',
  },
  snowflakeUser: { rule: text(SNOWFLAKE_IDENTIFIER, SNOWFLAKE_IDENTIFIER_MESSAGE), default: 'STREAMFLOW_LOADER' },
  snowflakeRole: { rule: text(SNOWFLAKE_IDENTIFIER, SNOWFLAKE_IDENTIFIER_MESSAGE), default: 'STREAMFLOW_LOADER' },
  snowflakeWarehouse: { rule: text(SNOWFLAKE_IDENTIFIER, SNOWFLAKE_IDENTIFIER_MESSAGE), default: 'STREAMFLOW_WH' },
  snowflakeDatabase: { rule: text(SNOWFLAKE_IDENTIFIER, SNOWFLAKE_IDENTIFIER_MESSAGE), default: 'STREAMFLOW_DW' },
  snowflakeSecretArn: {
    rule: optionalText(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
      'expected the complete secret ARN, ending in the 6-character suffix Secrets Manager adds (or "" to let the stack create the secret)',
    ),
    default: '',
  },

  alarmEmail: { rule: optionalText(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an e-mail address (or "" for none)'), default: '' },
  alarmConsumerErrors: { rule: integer(1, 100_000), default: 1 },
  alarmConsumerThrottles: { rule: integer(1, 100_000), default: 1 },
  alarmOffsetLagRecords: { rule: integer(1, 1_000_000_000), default: 100_000 },
  alarmLoaderErrors: { rule: integer(1, 100_000), default: 1 },
  alarmRejectedFiles: { rule: integer(1, 100_000), default: 1 },
  alarmLoadFreshnessMinutes: { rule: integer(5, 1440), default: 60 },
  alarmQuarantineRatePercent: { rule: z.preprocess(fromText, z.number({ error: 'expected a number' }).gt(0, 'must be above 0').max(100, 'must be at most 100')), default: 5 },
  alarmDataQualityFailures: { rule: integer(1, 100_000), default: 1 },
} as const;

type ContextSchema = typeof CONTEXT_SCHEMA;
export type ContextKey = keyof ContextSchema;
type ContextValues = { readonly [K in ContextKey]: z.output<ContextSchema[K]['rule']> };

export const CONTEXT_KEYS = Object.keys(CONTEXT_SCHEMA) as ContextKey[];

/** The defaults of every context key (what cdk.json lists for you to edit). */
export const CONTEXT_DEFAULTS = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, CONTEXT_SCHEMA[key].default])) as {
  readonly [K in ContextKey]: ContextSchema[K]['default'];
};

/**
 * The presets: what differs between a cheap development stage and a production one. A preset only
 * supplies defaults; any key in cdk.json's context or after `-c` overrides it, and every value is
 * validated the same way. cdk.json therefore lists none of these keys (it would override the preset).
 * - `dev`: two kafka.t3.small brokers (IAM auth), on-demand pollers (no poller charge; they need
 *   the Lambda and STS endpoints), interface endpoints only where needed, no NAT; loads through
 *   Snowpipe, so no warehouse stays awake for them.
 * - `prod`: MSK Serverless, provisioned pollers in one poller group (they need neither NAT nor
 *   endpoints), retries before the on-failure bucket; loads COPY on the warehouse you name.
 * Both batch for up to 10 s: at low volume the window, not the batch size, closes batches, and each
 * batch costs three S3 PUTs and a gold file to load (docs/cost.md); it adds at most 10 s to freshness.
 * The loader's queue gathers the S3 events of those files for up to 10 s too, so a burst of files is
 * one load instead of one per file.
 */
export const PRESETS = {
  dev: {
    kafkaCluster: 'provisioned',
    kafkaBrokerType: 'kafka.t3.small',
    kafkaBrokerNodes: 2,
    kafkaBrokerStorageGb: 10,
    egress: 'endpoints',
    consumerBatchingWindowSeconds: 10,
    loaderBatchingWindowSeconds: 10,
    consumerPollerMode: 'on-demand',
    consumerMinPollers: 1,
    consumerMaxPollers: 2,
    consumerRetryAttempts: -1,
    loadMode: 'snowpipe',
  },
  prod: {
    kafkaCluster: 'serverless',
    kafkaBrokerType: 'kafka.m7g.large',
    kafkaBrokerNodes: 2,
    kafkaBrokerStorageGb: 100,
    egress: 'endpoints',
    consumerBatchingWindowSeconds: 10,
    loaderBatchingWindowSeconds: 10,
    consumerPollerMode: 'provisioned',
    consumerMinPollers: 1,
    consumerMaxPollers: 4,
    consumerRetryAttempts: 3,
    loadMode: 'copy',
  },
} as const satisfies Record<PresetName, Partial<Record<ContextKey, unknown>>>;

/** The keys a preset decides (the same for every preset). */
export const PRESET_KEYS = Object.keys(PRESETS.dev) as (keyof (typeof PRESETS)['dev'])[];

/** Our keys are camelCase words; CDK's own keys carry `@`, `:` or `-`, so they never look like ours. */
const looksLikeOurKey = (key: string): boolean => /^[a-z][A-Za-z0-9]*$/.test(key);

/** Thrown for any bad context value; the message lists every problem, one a line, key first. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid StreamFlow configuration (cdk.json "context" or -c key=value):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const crossFieldProblems = (values: ContextValues): string[] => {
  const problems: string[] = [];
  if (values.consumerMinPollers > values.consumerMaxPollers) {
    problems.push(`consumerMinPollers: must not exceed consumerMaxPollers (${values.consumerMinPollers} > ${values.consumerMaxPollers})`);
  }
  if (values.consumerPollerMode === 'on-demand' && values.consumerRetryAttempts !== -1) {
    problems.push(
      'consumerRetryAttempts: Kafka event source mappings accept retry settings only in provisioned mode; ' +
        'set consumerRetryAttempts to -1 with consumerPollerMode "on-demand", or use "provisioned"',
    );
  }
  if (values.kafkaBrokerNodes % AVAILABILITY_ZONES !== 0) {
    problems.push(
      `kafkaBrokerNodes: must be a multiple of ${AVAILABILITY_ZONES} (got ${values.kafkaBrokerNodes}): MSK spreads brokers evenly over the cluster's subnets, one per Availability Zone`,
    );
  }
  if (values.loaderBatchSize > 10 && values.loaderBatchingWindowSeconds < 1) {
    problems.push(
      `loaderBatchSize: above 10 needs loaderBatchingWindowSeconds of at least 1 (got ${values.loaderBatchSize} with ${values.loaderBatchingWindowSeconds}); ` +
        'Lambda rejects the SQS mapping otherwise (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html, BatchSize)',
    );
  }
  if (values.loaderReservedConcurrency > 0 && values.loaderReservedConcurrency < values.loaderMaxConcurrency) {
    problems.push(
      `loaderMaxConcurrency: must not exceed loaderReservedConcurrency (${values.loaderMaxConcurrency} > ${values.loaderReservedConcurrency}), ` +
        'or the queue invokes more loads than the function may run and Lambda throttles them (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html)',
    );
  }
  if (values.goldRetentionDays > values.landingRetentionDays) {
    problems.push(`goldRetentionDays: must not exceed landingRetentionDays (${values.goldRetentionDays} > ${values.landingRetentionDays}), gold is re-derived from landing`);
  }
  return problems;
};

/**
 * Validates raw context values (a lookup from key to value, `undefined` when unset) and returns the
 * typed configuration. `contextKeys` lists every key present, so that a misspelt key is an error
 * rather than a silently ignored setting.
 */
export const parseConfig = (lookup: (key: string) => unknown, contextKeys: readonly string[] = []): StreamFlowConfig => {
  const problems: string[] = [];
  const known = new Set<string>(CONTEXT_KEYS);
  for (const key of contextKeys) {
    if (looksLikeOurKey(key) && !known.has(key)) problems.push(`${key}: unknown setting (known settings: ${CONTEXT_KEYS.join(', ')})`);
  }
  const presetRaw = lookup('preset');
  const preset = CONTEXT_SCHEMA.preset.rule.safeParse(presetRaw ?? CONTEXT_SCHEMA.preset.default);
  const presetDefaults: Partial<Record<ContextKey, unknown>> = preset.success ? PRESETS[preset.data] : {};
  const values: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const raw = lookup(key);
    const parsed = CONTEXT_SCHEMA[key].rule.safeParse(raw ?? presetDefaults[key] ?? CONTEXT_SCHEMA[key].default);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${key}: ${parsed.error.issues.map((issue) => issue.message).join('; ')} (got ${JSON.stringify(raw)})`);
  }
  if (problems.length === 0) problems.push(...crossFieldProblems(values as ContextValues));
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(values as ContextValues);
};

const toConfig = (v: ContextValues): StreamFlowConfig => ({
  preset: v.preset,
  stage: v.stage,
  logRetentionDays: v.logRetentionDays,
  storage: {
    removeDataOnDestroy: v.removeDataOnDestroy,
    landingRetentionDays: v.landingRetentionDays,
    goldRetentionDays: v.goldRetentionDays,
    quarantineRetentionDays: v.quarantineRetentionDays,
    onFailureRetentionDays: v.onFailureRetentionDays,
    accessLogRetentionDays: v.accessLogRetentionDays,
  },
  streaming: {
    availabilityZones: v.availabilityZones === '' ? [] : v.availabilityZones.split(','),
    egress: v.egress,
    topicPartitions: v.topicPartitions,
    cluster: v.kafkaCluster,
    brokerType: v.kafkaBrokerType,
    brokerNodes: v.kafkaBrokerNodes,
    brokerStorageGb: v.kafkaBrokerStorageGb,
  },
  consumer: {
    batchSize: v.consumerBatchSize,
    batchingWindowSeconds: v.consumerBatchingWindowSeconds,
    startingPosition: v.consumerStartingPosition,
    pollerMode: v.consumerPollerMode,
    minPollers: v.consumerMinPollers,
    maxPollers: v.consumerMaxPollers,
    retryAttempts: v.consumerRetryAttempts,
    memoryMb: v.consumerMemoryMb,
    timeoutSeconds: v.consumerTimeoutSeconds,
  },
  loader: {
    loadMode: v.loadMode,
    scheduleMinutes: v.loaderScheduleMinutes,
    memoryMb: v.loaderMemoryMb,
    timeoutSeconds: v.loaderTimeoutSeconds,
    reservedConcurrency: v.loaderReservedConcurrency,
    batchingWindowSeconds: v.loaderBatchingWindowSeconds,
    batchSize: v.loaderBatchSize,
    maxConcurrency: v.loaderMaxConcurrency,
  },
  producer: {
    scheduleEnabled: v.producerScheduleEnabled,
    scheduleMinutes: v.producerScheduleMinutes,
    eventsPerRun: v.producerEventsPerRun,
    dirtyRate: v.producerDirtyRate,
  },
  snowflake: {
    account: v.snowflakeAccount,
    user: v.snowflakeUser,
    role: v.snowflakeRole,
    warehouse: v.snowflakeWarehouse,
    database: v.snowflakeDatabase,
    secretArn: v.snowflakeSecretArn,
  },
  alarms: {
    email: v.alarmEmail,
    consumerErrors: v.alarmConsumerErrors,
    consumerThrottles: v.alarmConsumerThrottles,
    offsetLagRecords: v.alarmOffsetLagRecords,
    loaderErrors: v.alarmLoaderErrors,
    rejectedFiles: v.alarmRejectedFiles,
    loadFreshnessMinutes: v.alarmLoadFreshnessMinutes,
    quarantineRatePercent: v.alarmQuarantineRatePercent,
    dataQualityFailures: v.alarmDataQualityFailures,
  },
});

/** Anything with a construct node: the App in bin/app.ts, any scope in tests. */
interface ContextSource {
  readonly node: { tryGetContext(key: string): unknown; getAllContext?(): Record<string, unknown> };
}

/** Reads and validates the configuration from a construct's context (cdk.json and `-c`). */
export const loadConfig = (scope: ContextSource): StreamFlowConfig =>
  parseConfig((key) => scope.node.tryGetContext(key), Object.keys(scope.node.getAllContext?.() ?? {}));
