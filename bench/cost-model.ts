/**
 * The cost model of docs/cost.md: what each preset of the CDK app (lib/config.ts) costs a month at
 * 10M, 100M and 1B events, next to Amazon Data Firehose reading the same MSK topics into Snowflake
 * through Snowpipe Streaming, with the same Silver/Gold refresh on both sides; the idle cost of
 * each preset; and the modelled event → Bronze and event → Gold delay. Fed with this run's
 * measured consumer throughput. Prices: bench/cost-prices.ts (each with its page and status).
 */
import { parseConfig, type PresetName, type StreamFlowConfig } from '../lib/config.js';
import { cloudFreshness, type CloudFreshness } from './cloud-freshness.js';
import { PRICES } from './cost-prices.js';
import { round } from './measure.js';

const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const MILLION = 1_000_000;
export const VOLUMES = [10_000_000, 100_000_000, 1_000_000_000] as const;
/** Lambda gives one full vCPU at 1,769 MB: below it, CPU time costs 1769/1024 GB-seconds per second. */
const GB_SECONDS_PER_CPU_SECOND = 1769 / 1024;

/** What the model assumes beyond the deployed configuration and the measured figures (docs/cost.md lists each). */
export const ASSUMPTIONS = {
  /** Share of events per topic (the generator's mix, as the bench's freshness run produced it). */
  topicShares: [0.9876, 0.0124],
  /** Share of records the consumer quarantines (cdk.json producerDirtyRate for the demo traffic). */
  quarantineShare: 0.02,
  /** Time an invocation waits on its S3 PUTs. */
  consumerPutWaitSeconds: 0.1,
  /** Kafka record overhead on top of key and value (headers, offsets, batch framing), bytes; the key 12 B. */
  kafkaOverheadBytes: 82,
  /** Invocation payload per record: base64 value, key and the record's JSON envelope (measured: 6 MB / ~9,600 records). */
  payloadBytesPerRecord: 655,
  /** One load: PUT of its files and one COPY per table, seconds at loaderMemoryMb, plus per file. */
  loaderSecondsPerRun: 1.5,
  loaderSecondsPerFile: 0.05,
  /** COPY of one load's files on a running X-Small. */
  copySecondsPerLoad: 3,
  /**
   * Snowpipe mode: uncompressed bytes per event in the files Snowpipe bills by. The bench measures
   * no gold CSV size; the Kafka value's JSON (measured) is taken as an upper bound (the CSV drops
   * the keys), plus a manifest file of ~300 B per gold file.
   */
  manifestBytesPerFile: 300,
  /** Snowpipe mode: per file, the loader's PUT of it and of its manifest (two cloud-services round trips) and its share of insertFiles. */
  snowpipeLoaderSecondsPerFile: 0.25,
  /** The scheduled tick's warehouse queries (load history, data quality, churn model) on a woken X-Small. */
  tickQuerySeconds: 3,
  /** AUTO_SUSPEND of the warehouse StreamFlow creates (sql/snowflake/010_warehouse.sql): each load keeps it up this long after. */
  warehouseAutoSuspendSeconds: 60,
  /**
   * Lambda polls an SQS queue with five concurrent batches, and with maximum concurrency set does
   * not drop to two when traffic is low (docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html);
   * each poller's long poll assumed to return every 20 s (the SQS maximum wait) on an empty queue.
   */
  sqsPollers: 5,
  sqsEmptyReceiveSeconds: 20,
  /** Triggered tasks: Snowflake's default minimum interval. */
  triggerIntervalSeconds: 30,
  /** Refresh graph compute per run on an X-Small (start-up + MERGEs), plus per million new rows. */
  refreshSecondsPerRun: 6,
  refreshSecondsPerMillionRows: 20,
  /** Provisioned pollers of one poller group fit in one Event Poller Unit at the minimum (unconfirmed). */
  eventPollerUnitsAtMinimum: 1,
  /** KMS keys (data, alarm topic, and one per stack's AWS managed-free use): data + alarm. */
  kmsKeys: 2,
  /** CloudWatch alarm metrics: 11 alarms, two of them metric math on two metrics. */
  alarmMetrics: 13,
} as const;

export interface CostLine {
  readonly item: string;
  readonly usdPerMonth: number;
  readonly basis: string;
}

export interface VolumeCost {
  readonly eventsPerMonth: number;
  readonly pipeline: { readonly usdPerMonth: number; readonly usdPerMillion: number; readonly lines: readonly CostLine[] };
  readonly firehose: { readonly usdPerMonth: number; readonly usdPerMillion: number; readonly lines: readonly CostLine[] };
}

export interface PresetCost {
  readonly preset: PresetName;
  readonly summary: string;
  readonly idle: { readonly usdPerMonth: number; readonly lines: readonly CostLine[] };
  readonly volumes: readonly VolumeCost[];
}

export interface CostModel {
  readonly pricesRead: string;
  readonly measured: { readonly consumerCpuMsPerRecord: number; readonly valueBytesPerRecord: number };
  readonly defaultPreset: PresetName;
  /** The default preset at each volume: the figures the targets are judged on. */
  readonly allIn: readonly { readonly eventsPerMonth: number; readonly pipelineUsdPerMillion: number; readonly firehoseUsdPerMillion: number }[];
  readonly idlePerMonth: Readonly<Record<PresetName, number>>;
  readonly presets: readonly PresetCost[];
  readonly freshness: CloudFreshness;
}

const usd = (value: number): number => round(value, 2);
const line = (item: string, usdPerMonth: number, basis: string): CostLine => ({ item, usdPerMonth: usd(usdPerMonth), basis });
const sum = (lines: readonly CostLine[]): number => usd(lines.reduce((total, each) => total + each.usdPerMonth, 0));
const credits = (amount: number): number => amount * PRICES.snowflakeCredit.usd;

/** The deployed configuration of a preset (cdk.json's flat values are the code defaults). */
export const presetConfig = (preset: PresetName): StreamFlowConfig => parseConfig((key) => (key === 'preset' ? preset : undefined));

const brokerHour = (type: string): number => (type === 'kafka.t3.small' ? PRICES.mskT3SmallHour.usd : PRICES.mskM7gLargeHour.usd);

/** Interface endpoints the streaming stack creates (its `egress: endpoints` rule), two AZs each. */
const interfaceEndpoints = (config: StreamFlowConfig): { shared: string[]; pollers: string[] } =>
  config.streaming.egress === 'nat' ? { shared: [], pollers: [] } : { shared: ['kafka'], pollers: config.consumer.pollerMode === 'on-demand' ? ['lambda', 'sts'] : [] };

/**
 * Firehose reads MSK through private bootstrap brokers only with multi-VPC private connectivity
 * (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-msk.html), which kafka.t3.small
 * brokers do not support (https://docs.aws.amazon.com/msk/latest/developerguide/aws-access-mult-vpc.html,
 * requirements): on the Firehose side a t3.small cluster becomes the smallest supported Graviton brokers.
 */
const FIREHOSE_MIN_BROKER_TYPE = 'kafka.m7g.large';

interface FixedLines {
  readonly pipelineCluster: CostLine[];
  readonly firehoseCluster: CostLine[];
  /** What both sides pay (the same VPC endpoint for the producer, keys, alarms …). */
  readonly shared: CostLine[];
  readonly pipelineOnly: CostLine[];
}

const clusterLines = (streaming: StreamFlowConfig['streaming'], brokerType: string): CostLine[] => {
  const partitions = 2 * streaming.topicPartitions;
  return streaming.cluster === 'serverless'
      ? [
          line('MSK Serverless cluster-hours', HOURS_PER_MONTH * PRICES.mskServerlessClusterHour.usd, `${HOURS_PER_MONTH} h`),
          line('MSK Serverless partition-hours', HOURS_PER_MONTH * partitions * PRICES.mskServerlessPartitionHour.usd, `${partitions} partitions`),
        ]
      : [
          line(`MSK brokers (${streaming.brokerNodes} × ${brokerType})`, HOURS_PER_MONTH * streaming.brokerNodes * brokerHour(brokerType), `${HOURS_PER_MONTH} h each`),
          line('MSK broker storage', streaming.brokerNodes * streaming.brokerStorageGb * PRICES.mskBrokerStorageGbMonth.usd, `${streaming.brokerStorageGb} GB per broker`),
        ];
};

/** Monthly costs that run whatever the volume, split into what Firehose needs too and what only the pipeline needs. */
const fixedLines = (config: StreamFlowConfig): FixedLines => {
  const { streaming, consumer } = config;
  const endpoints = interfaceEndpoints(config);
  const endpointLine = (services: string[], why: string) =>
    line(`interface endpoints: ${services.join(', ')}`, services.length * 2 * HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour.usd, `${services.length} × 2 AZs; ${why}`);
  const shared = [
    ...(endpoints.shared.length > 0 ? [endpointLine(endpoints.shared, 'the producer and the topic custom resource call the MSK API')] : []),
    ...(streaming.egress === 'nat'
      ? [line('NAT gateway + its public IPv4 address', HOURS_PER_MONTH * (PRICES.natHour.usd + PRICES.publicIpv4Hour.usd), 'one, for every in-VPC caller of AWS APIs')]
      : []),
    line(
      'KMS keys, secret, alarms, dashboard',
      ASSUMPTIONS.kmsKeys * PRICES.kmsKeyMonth.usd + PRICES.secretMonth.usd + ASSUMPTIONS.alarmMetrics * PRICES.alarmMetricMonth.usd + PRICES.dashboardMonth.usd,
      `${ASSUMPTIONS.kmsKeys} keys, 1 secret, ${ASSUMPTIONS.alarmMetrics} alarm metrics, 1 dashboard (kept on the Firehose side too)`,
    ),
  ];
  const pipelineOnly = [
    ...(endpoints.pollers.length > 0 ? [endpointLine(endpoints.pollers, 'on-demand event pollers reach Lambda and STS through them')] : []),
    ...(consumer.pollerMode === 'provisioned'
      ? [
          line(
            'provisioned event pollers (one poller group)',
            ASSUMPTIONS.eventPollerUnitsAtMinimum * HOURS_PER_MONTH * PRICES.eventPollerUnitHour.usd,
            `${ASSUMPTIONS.eventPollerUnitsAtMinimum} EPU at the minimum of ${consumer.minPollers} poller per mapping, shared`,
          ),
        ]
      : []),
    line('loader safety-net schedule', ticksOf(config) * 1 * (config.loader.memoryMb / 1024) * PRICES.lambdaArmGbSecond.usd, `a tick every ${config.loader.scheduleMinutes} min, ~1 s, nothing pending`),
    line(
      "loader queue: Lambda's empty receives",
      ((ASSUMPTIONS.sqsPollers * SECONDS_PER_MONTH) / ASSUMPTIONS.sqsEmptyReceiveSeconds) * PRICES.sqsRequest.usd,
      `${ASSUMPTIONS.sqsPollers} pollers, one long poll each per ${ASSUMPTIONS.sqsEmptyReceiveSeconds} s`,
    ),
  ];
  const firehoseBrokerType = streaming.brokerType === 'kafka.t3.small' ? FIREHOSE_MIN_BROKER_TYPE : streaming.brokerType;
  return { pipelineCluster: clusterLines(streaming, streaming.brokerType), firehoseCluster: clusterLines(streaming, firehoseBrokerType), shared, pipelineOnly };
};

/** Invocations a month of one mapping: batches close on the batch size or the window, whichever comes first. */
const invocationsOf = (eventsPerMonth: number, config: StreamFlowConfig): { invocations: number; recordsPerInvocation: number } => {
  const window = Math.max(config.consumer.batchingWindowSeconds, 0.5);
  let invocations = 0;
  for (const share of ASSUMPTIONS.topicShares) {
    const rate = (eventsPerMonth * share) / SECONDS_PER_MONTH;
    invocations += Math.min(rate, Math.max(rate / config.consumer.batchSize, 1 / window)) * SECONDS_PER_MONTH;
  }
  return { invocations, recordsPerInvocation: eventsPerMonth / invocations };
};

/** The refresh graph's runs and X-Small seconds a month: triggered when a load added rows, at most every trigger interval. */
const refreshWork = (eventsPerMonth: number, loadsPerMonth: number): { runs: number; seconds: number; basis: string } => {
  const runs = Math.min(loadsPerMonth, SECONDS_PER_MONTH / ASSUMPTIONS.triggerIntervalSeconds);
  const seconds = runs * ASSUMPTIONS.refreshSecondsPerRun + (eventsPerMonth / MILLION) * ASSUMPTIONS.refreshSecondsPerMillionRows;
  return { runs, seconds, basis: `${Math.round(runs).toLocaleString('en-US')} runs × ${ASSUMPTIONS.refreshSecondsPerRun} s + ${ASSUMPTIONS.refreshSecondsPerMillionRows} s per million rows, X-Small` };
};

/**
 * Where the refresh runs decides what it costs. Firehose's side has no warehouse of its own awake,
 * so serverless tasks; prod runs on your warehouse (its seconds of use); dev on STREAMFLOW_WH,
 * `sql deploy`'s default `--task-compute warehouse`, which COPY keeps awake already: only the hours
 * beyond that are paid (counted as if no run overlapped a load's auto-suspend tail, an upper bound).
 */
type RefreshCompute = { readonly kind: 'serverless' } | { readonly kind: 'your warehouse' } | { readonly kind: 'awake warehouse'; readonly name: string; readonly awakeHours: number };

const refreshLine = (eventsPerMonth: number, loadsPerMonth: number, compute: RefreshCompute): CostLine => {
  const { seconds, basis } = refreshWork(eventsPerMonth, loadsPerMonth);
  if (compute.kind === 'serverless') {
    return line('Silver/Gold refresh: serverless triggered tasks', credits((seconds / 3600) * PRICES.serverlessTaskCreditMultiplier.usd), `${basis}, × 0.9 serverless`);
  }
  if (compute.kind === 'your warehouse') return line('Silver/Gold refresh: triggered tasks on your warehouse (its seconds of use)', credits(seconds / 3600), basis);
  const beyond = Math.min(HOURS_PER_MONTH, compute.awakeHours + seconds / 3600) - compute.awakeHours;
  return line(
    `Silver/Gold refresh: triggered tasks on ${compute.name} (hours beyond COPY's)`,
    credits(beyond),
    `${basis}: ${Math.round(seconds / 3600).toLocaleString('en-US')} h, of which ${Math.round(beyond).toLocaleString('en-US')} h while COPY does not keep it awake`,
  );
};

/**
 * Loads a month: at most one per file, and at most `loaderMaxConcurrency` per batching window,
 * since each poller gathers a batch of its own and the mapping runs that many at once.
 */
const loadsOf = (files: number, loader: StreamFlowConfig['loader']): number =>
  Math.min(files, (loader.maxConcurrency * SECONDS_PER_MONTH) / Math.max(loader.batchingWindowSeconds, 1));

/**
 * COPY into Bronze: in dev on the warehouse StreamFlow creates for itself, so its time awake (each
 * load keeps it up for its auto-suspend delay, a month at most); in prod on your warehouse, already
 * running, so only the seconds the COPY uses.
 */
/** Hours a month the loads keep dev's own warehouse awake (each its COPY plus the auto-suspend delay). */
const copyAwakeHours = (loads: number): number =>
  Math.min(HOURS_PER_MONTH, (loads * (ASSUMPTIONS.copySecondsPerLoad + ASSUMPTIONS.warehouseAutoSuspendSeconds)) / 3600);

const copyLine = (loads: number, config: StreamFlowConfig): CostLine => {
  const a = ASSUMPTIONS;
  if (config.preset === 'prod') {
    return line('COPY into Bronze on your warehouse (its seconds of use)', credits((loads * a.copySecondsPerLoad) / 3600), `${Math.round(loads).toLocaleString('en-US')} loads × ${a.copySecondsPerLoad} s of X-Small`);
  }
  const awakeHours = copyAwakeHours(loads);
  return line(
    `COPY into Bronze on ${config.snowflake.warehouse} (X-Small, awake)`,
    credits(awakeHours),
    `${Math.round(awakeHours).toLocaleString('en-US')} h awake: each of ${Math.round(loads).toLocaleString('en-US')} loads keeps it up ${a.copySecondsPerLoad} s + ${a.warehouseAutoSuspendSeconds} s auto-suspend`,
  );
};

/** Ticks a month of the loader's safety-net schedule. */
const ticksOf = (config: StreamFlowConfig): number => (HOURS_PER_MONTH * 60) / config.loader.scheduleMinutes;

/**
 * Snowpipe mode's loads: Snowpipe per GB of the files (data and manifests), and the one warehouse
 * wake left: the scheduled tick reads the load history (and publishes data quality, trains the
 * churn model). While events flow the upkeep changes that history between ticks, so no tick is
 * answered from the result cache: each resumes the warehouse, billed at least 60 s, and it runs on
 * to its auto-suspend (per-second billing with a 60 s minimum per resume: docs.snowflake.com/en/user-guide/cost-understanding-compute).
 */
const snowpipeLines = (eventsPerMonth: number, files: number, config: StreamFlowConfig, measured: CostModel['measured']): CostLine[] => {
  const a = ASSUMPTIONS;
  const gb = (eventsPerMonth * measured.valueBytesPerRecord + files * a.manifestBytesPerFile) / 1e9;
  const ticks = ticksOf(config);
  const tickSeconds = Math.max(60, a.tickQuerySeconds + a.warehouseAutoSuspendSeconds);
  return [
    line(
      'Snowpipe into Bronze (per GB of files)',
      credits(gb * PRICES.snowpipeCreditsPerGb.usd),
      `${round(gb, 2)} GB: ${measured.valueBytesPerRecord} B per event (the Kafka value, an upper bound for its CSV row) + ${a.manifestBytesPerFile} B of manifest per file`,
    ),
    line(
      `loader safety-net tick: ${config.snowflake.warehouse} woken`,
      credits((ticks * tickSeconds) / 3600),
      `${Math.round(ticks).toLocaleString('en-US')} ticks × ${tickSeconds} s of X-Small (${a.tickQuerySeconds} s of queries + ${a.warehouseAutoSuspendSeconds} s auto-suspend, 60 s minimum)`,
    ),
  ];
};

const volumeCost = (eventsPerMonth: number, config: StreamFlowConfig, measured: CostModel['measured'], fixed: FixedLines): VolumeCost => {
  const a = ASSUMPTIONS;
  const { invocations, recordsPerInvocation } = invocationsOf(eventsPerMonth, config);
  const kafkaGb = (eventsPerMonth * (measured.valueBytesPerRecord + a.kafkaOverheadBytes)) / 1e9;
  const valueGb = (eventsPerMonth * measured.valueBytesPerRecord) / 1e9;
  const payloadGb = (eventsPerMonth * a.payloadBytesPerRecord) / 1e9;
  const consumerGbSeconds =
    (measured.consumerCpuMsPerRecord / 1000) * eventsPerMonth * GB_SECONDS_PER_CPU_SECOND + invocations * a.consumerPutWaitSeconds * (config.consumer.memoryMb / 1024);
  const quarantineFiles = invocations * (1 - (1 - a.quarantineShare) ** recordsPerInvocation);
  const goldFiles = invocations;
  const queuedFiles = goldFiles + quarantineFiles;
  const loads = loadsOf(queuedFiles, config.loader);
  // Every object of the bucket is an EventBridge event (landing too); only the loaded ones are queued.
  const bucketEvents = 2 * invocations + quarantineFiles;
  const secondsPerFile = config.loader.loadMode === 'snowpipe' ? a.snowpipeLoaderSecondsPerFile : a.loaderSecondsPerFile;
  const loaderGbSeconds = (loads * a.loaderSecondsPerRun + (goldFiles + quarantineFiles) * secondsPerFile) * (config.loader.memoryMb / 1024);
  const mskTraffic =
    config.streaming.cluster === 'serverless'
      ? [line('MSK Serverless: data in + out', kafkaGb * (PRICES.mskServerlessGbIn.usd + PRICES.mskServerlessGbOut.usd), `${round(kafkaGb, 1)} GB written, read once`)]
      : [];
  const pollerRoute =
    config.streaming.egress === 'nat'
      ? line('NAT: invocation payloads', payloadGb * PRICES.natGb.usd, `${round(payloadGb, 1)} GB`)
      : config.consumer.pollerMode === 'on-demand'
        ? line('Lambda endpoint: invocation payloads', payloadGb * PRICES.interfaceEndpointGb.usd, `${round(payloadGb, 1)} GB`)
        : undefined;
  const snowpipe = config.loader.loadMode === 'snowpipe';
  // Snowpipe mode keeps no warehouse awake, so `sql deploy --load-mode snowpipe` runs the tasks serverless.
  const refresh = refreshLine(
    eventsPerMonth,
    loads,
    snowpipe ? { kind: 'serverless' } : config.preset === 'prod' ? { kind: 'your warehouse' } : { kind: 'awake warehouse', name: config.snowflake.warehouse, awakeHours: copyAwakeHours(loads) },
  );
  // The same graph on the Firehose side, where no warehouse of StreamFlow's own is awake for it.
  const firehoseRefresh = refreshLine(eventsPerMonth, loads, config.preset === 'prod' ? { kind: 'your warehouse' } : { kind: 'serverless' });
  const pipelineLines = [
    ...fixed.pipelineCluster,
    ...fixed.shared,
    ...fixed.pipelineOnly,
    ...mskTraffic,
    line(
      'Lambda: consumer',
      consumerGbSeconds * PRICES.lambdaArmGbSecond.usd + invocations * PRICES.lambdaRequest.usd,
      `${Math.round(invocations).toLocaleString('en-US')} invocations of ~${Math.round(recordsPerInvocation).toLocaleString('en-US')} records (${config.consumer.batchingWindowSeconds} s window, batch ${config.consumer.batchSize})`,
    ),
    line('S3 requests', (2 * invocations + quarantineFiles) * PRICES.s3Put.usd + (goldFiles + quarantineFiles) * PRICES.s3Get.usd, 'landing + gold (+ quarantine) PUTs per batch, one GET per file loaded'),
    ...(pollerRoute ? [pollerRoute] : []),
    line('EventBridge: S3 events', bucketEvents * PRICES.eventBridgeS3Event.usd, `${Math.round(bucketEvents).toLocaleString('en-US')} objects written`),
    line('SQS: loader queue', (queuedFiles + 2 * loads) * PRICES.sqsRequest.usd, 'a send per file, a receive and a delete batch per load'),
    line(
      'Lambda: loader',
      loaderGbSeconds * PRICES.lambdaArmGbSecond.usd + loads * PRICES.lambdaRequest.usd,
      `${Math.round(loads).toLocaleString('en-US')} loads (batching window ${config.loader.batchingWindowSeconds} s, at most ${config.loader.maxConcurrency} at once)`,
    ),
    ...(snowpipe ? snowpipeLines(eventsPerMonth, queuedFiles, config, measured) : [copyLine(loads, config)]),
    refresh,
  ];
  const firehoseLines = [
    ...fixed.firehoseCluster,
    ...fixed.shared,
    ...mskTraffic,
    line('Firehose: MSK source (per GB)', kafkaGb * PRICES.firehoseMskGb.usd, `${round(kafkaGb, 1)} GB`),
    line('Snowpipe Streaming (per uncompressed GB)', credits(valueGb * PRICES.snowpipeStreamingCreditsPerGb.usd), `${round(valueGb, 1)} GB`),
    { ...firehoseRefresh, item: `${firehoseRefresh.item} (same graph)` },
  ];
  const per = (total: number) => usd(total / (eventsPerMonth / MILLION));
  const pipelineTotal = sum(pipelineLines);
  const firehoseTotal = sum(firehoseLines);
  return {
    eventsPerMonth,
    pipeline: { usdPerMonth: pipelineTotal, usdPerMillion: per(pipelineTotal), lines: pipelineLines },
    firehose: { usdPerMonth: firehoseTotal, usdPerMillion: per(firehoseTotal), lines: firehoseLines },
  };
};

const PRESET_SUMMARY = (config: StreamFlowConfig): string =>
  [
    config.streaming.cluster === 'serverless' ? 'MSK Serverless' : `MSK ${config.streaming.brokerNodes} × ${config.streaming.brokerType}`,
    `${config.consumer.pollerMode} pollers`,
    config.streaming.egress === 'nat' ? 'NAT gateway' : `endpoints: ${[...interfaceEndpoints(config).shared, ...interfaceEndpoints(config).pollers].join(', ')}`,
    config.loader.loadMode === 'snowpipe'
      ? 'Snowpipe loads, serverless triggered tasks'
      : config.preset === 'dev'
        ? `COPY and triggered tasks on ${config.snowflake.warehouse}`
        : 'COPY and triggered tasks on your warehouse',
  ].join(', ');

export const presetCost = (preset: PresetName, measured: CostModel['measured']): PresetCost => {
  const config = presetConfig(preset);
  const fixed = fixedLines(config);
  // Idle: no events, so no loads and no refresh; the loader's ticks find nothing pending. Snowflake
  // stays at $0 only while those ticks' queries are answered from the result cache.
  const idleLines = [...fixed.pipelineCluster, ...fixed.shared, ...fixed.pipelineOnly];
  return { preset, summary: PRESET_SUMMARY(config), idle: { usdPerMonth: sum(idleLines), lines: idleLines }, volumes: VOLUMES.map((volume) => volumeCost(volume, config, measured, fixed)) };
};

export const costModel = (measured: CostModel['measured'], localRefreshCycleP95Seconds = 1.8): CostModel => {
  const defaultPreset = presetConfig('dev').preset;
  const presets = (['dev', 'prod'] as const).map((preset) => presetCost(preset, measured));
  const byName = Object.fromEntries(presets.map((preset) => [preset.preset, preset])) as Record<PresetName, PresetCost>;
  return {
    pricesRead: PRICES.lambdaArmGbSecond.read,
    measured,
    defaultPreset,
    allIn: byName[defaultPreset].volumes.map((volume) => ({
      eventsPerMonth: volume.eventsPerMonth,
      pipelineUsdPerMillion: volume.pipeline.usdPerMillion,
      firehoseUsdPerMillion: volume.firehose.usdPerMillion,
    })),
    idlePerMonth: { dev: byName.dev.idle.usdPerMonth, prod: byName.prod.idle.usdPerMonth },
    presets,
    freshness: cloudFreshness({
      batchingWindowSeconds: presetConfig(defaultPreset).consumer.batchingWindowSeconds,
      loadBatchingWindowSeconds: presetConfig(defaultPreset).loader.batchingWindowSeconds,
      triggerIntervalSeconds: ASSUMPTIONS.triggerIntervalSeconds,
      localRefreshCycleP95Seconds,
      loadMode: presetConfig(defaultPreset).loader.loadMode,
    }),
  };
};
