/**
 * The cost model of docs/cost.md, fed with this run's measured throughput: what a million events
 * cost on AWS and Snowflake, next to Amazon Data Firehose reading the same MSK topics into
 * Snowflake. Prices are list prices as published for us-east-1, on demand, copied by hand (see
 * {@link PRICES}); they are not fetched, so check them before quoting a figure.
 */
import { round } from './measure.js';

/** List prices in USD, as of {@link PRICES_AS_OF}; each with where it comes from. */
export const PRICES = {
  /** Lambda on arm64 (the stacks deploy Graviton), per GB-second, first tier. */
  lambdaGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** S3 Standard, per 1,000 PUT/COPY/POST/LIST and per 1,000 GET requests. */
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  /** MSK Serverless: cluster-hour, partition-hour, GB written, GB read. */
  mskClusterHour: 0.75,
  mskPartitionHour: 0.0015,
  mskGbIn: 0.1,
  mskGbOut: 0.05,
  /** Snowflake credit, Standard edition on AWS us-east-1; Enterprise lists $3.00. */
  snowflakeCredit: 2.0,
  /** Amazon Data Firehose with MSK as the source, per GB, first tier (no 5 KB rounding). */
  firehoseMskGb: 0.055,
  /** NAT gateway: per hour and per GB processed (the event pollers' payloads cross it). */
  natHour: 0.045,
  natGb: 0.045,
  /** Provisioned event pollers, per Event Poller Unit-hour (docs/deploy.md: "verify"). */
  eventPollerUnitHour: 0.185,
} as const;
export const PRICES_AS_OF = '2026-11-22, copied by hand, not verified from this machine';

/** What the model assumes beyond the measured figures (each one is stated in docs/cost.md). */
export const ASSUMPTIONS = {
  /** Records per consumer invocation: the deployed batch size (cdk.json consumerBatchSize). */
  recordsPerInvocation: 5000,
  /** Consumer memory size (cdk.json consumerMemoryMb). */
  consumerMemoryMb: 512,
  /** Time an invocation waits on its S3 PUTs: landing, then gold and quarantine side by side. */
  consumerPutWaitSeconds: 0.1,
  /** Loader: one file per batch (clean data has no quarantine), time waiting on PUT + COPY INTO. */
  loaderSecondsPerFile: 2,
  loaderMemoryMb: 1024,
  /** Kafka record overhead on top of key and value (headers, offsets, batch framing), bytes. */
  kafkaOverheadBytes: 70,
  /** Partitions: 2 topics x 3. */
  partitions: 6,
  /** Invocation payload per record: base64 value, key and the record's JSON envelope (measured: 6 MB / ~9,600 records). */
  payloadBytesPerRecord: 655,
  /** Event source mappings (one per topic), each with its minimum of one provisioned poller. */
  provisionedPollers: 2,
  /** X-Small warehouse: 1 credit an hour, per second, 60 s minimum each time it resumes. */
  warehouseCreditsPerHour: 1,
  /** The loader's schedule (cdk.json loaderScheduleMinutes): a warehouse resume each time when loads are batched. */
  loadEveryMinutes: 15,
  /** Warehouse time per resume: the 60 s minimum plus the 60 s auto-suspend, load and refresh inside. */
  warehouseSecondsPerResume: 120,
} as const;

/** Lambda gives one full vCPU at 1,769 MB: below it, CPU time costs 1769/1024 GB-seconds per second. */
const GB_SECONDS_PER_CPU_SECOND = 1769 / 1024;
const HOURS_PER_MONTH = 730;

export interface CostLine {
  readonly item: string;
  readonly usdPerMillionEvents: number;
  readonly basis: string;
}

export interface CostModel {
  readonly pricesAsOf: string;
  readonly measured: { readonly consumerCpuMsPerRecord: number; readonly valueBytesPerRecord: number };
  /** Costs that grow with the events. */
  readonly perMillionEvents: readonly CostLine[];
  readonly pipelinePerMillionEvents: number;
  readonly firehosePerMillionEvents: number;
  /** Costs that run by the hour whatever the volume, per month. */
  readonly fixedPerMonth: readonly { readonly item: string; readonly usd: number; readonly basis: string }[];
  /** Everything, per million events, at a few monthly volumes: fixed costs dominate small ones. */
  readonly allInPerMillionAt: readonly { readonly eventsPerMonth: number; readonly pipeline: number; readonly firehose: number }[];
}

const usd = (value: number): number => round(value, 4);

export const costModel = (measured: { readonly consumerCpuMsPerRecord: number; readonly valueBytesPerRecord: number }): CostModel => {
  const a = ASSUMPTIONS;
  const million = 1_000_000;
  const invocations = million / a.recordsPerInvocation;
  const consumerGbSeconds =
    (measured.consumerCpuMsPerRecord / 1000) * million * GB_SECONDS_PER_CPU_SECOND + invocations * a.consumerPutWaitSeconds * (a.consumerMemoryMb / 1024);
  const loaderGbSeconds = invocations * a.loaderSecondsPerFile * (a.loaderMemoryMb / 1024);
  const kafkaGb = (million * (measured.valueBytesPerRecord + 12 + a.kafkaOverheadBytes)) / 1e9;

  const perMillionEvents: CostLine[] = [
    {
      item: 'Lambda: consumer',
      usdPerMillionEvents: usd(consumerGbSeconds * PRICES.lambdaGbSecond + (invocations / million) * PRICES.lambdaPerMillionRequests),
      basis: `${round(consumerGbSeconds)} GB-s: ${measured.consumerCpuMsPerRecord} CPU ms a record (measured) and ${a.consumerPutWaitSeconds} s of PUTs per invocation; ${invocations} invocations`,
    },
    {
      item: 'Lambda: loader',
      usdPerMillionEvents: usd(loaderGbSeconds * PRICES.lambdaGbSecond + (invocations / million) * PRICES.lambdaPerMillionRequests),
      basis: `${round(loaderGbSeconds)} GB-s: ${invocations} gold files, ${a.loaderSecondsPerFile} s each waiting on PUT + COPY INTO at ${a.loaderMemoryMb} MB`,
    },
    {
      item: 'S3 requests',
      usdPerMillionEvents: usd(((invocations * 2) / 1000) * PRICES.s3PutPerThousand + (invocations / 1000) * PRICES.s3GetPerThousand),
      basis: `${invocations * 2} PUTs (landing + gold per batch), ${invocations} GETs (the loader)`,
    },
    {
      item: 'NAT: invocation payloads',
      usdPerMillionEvents: usd(((million * a.payloadBytesPerRecord) / 1e9) * PRICES.natGb),
      basis: `${round((million * a.payloadBytesPerRecord) / 1e9, 2)} GB of MSK events handed to Lambda through the NAT gateway`,
    },
    {
      item: 'MSK Serverless: data in + out',
      usdPerMillionEvents: usd(kafkaGb * (PRICES.mskGbIn + PRICES.mskGbOut)),
      basis: `${round(kafkaGb, 3)} GB written and read once (${measured.valueBytesPerRecord} B values measured + key + ${a.kafkaOverheadBytes} B framing)`,
    },
  ];
  const pipelinePerMillionEvents = usd(perMillionEvents.reduce((sum, line) => sum + line.usdPerMillionEvents, 0));
  // Firehose replaces the consumer, S3 and loader; MSK is read by it instead of by Lambda.
  const firehosePerMillionEvents = usd(kafkaGb * (PRICES.firehoseMskGb + PRICES.mskGbIn + PRICES.mskGbOut));

  const scheduledCredits = ((HOURS_PER_MONTH * 60) / a.loadEveryMinutes) * (a.warehouseSecondsPerResume / 3600) * a.warehouseCreditsPerHour;
  const alwaysOnCredits = HOURS_PER_MONTH * a.warehouseCreditsPerHour;
  const fixedPerMonth = [
    { item: 'MSK Serverless: cluster-hours', usd: usd(HOURS_PER_MONTH * PRICES.mskClusterHour), basis: `${HOURS_PER_MONTH} h` },
    { item: 'MSK Serverless: partition-hours', usd: usd(HOURS_PER_MONTH * a.partitions * PRICES.mskPartitionHour), basis: `${a.partitions} partitions` },
    {
      item: 'Lambda event pollers, provisioned minimum',
      usd: usd(HOURS_PER_MONTH * a.provisionedPollers * PRICES.eventPollerUnitHour),
      basis: `${a.provisionedPollers} pollers (consumerPollerMode=on-demand avoids it)`,
    },
    { item: 'NAT gateway', usd: usd(HOURS_PER_MONTH * PRICES.natHour), basis: 'one, for the pollers and the loader' },
    {
      item: 'Snowflake: X-Small, loads batched on the schedule',
      usd: usd(scheduledCredits * PRICES.snowflakeCredit),
      basis: `${round(scheduledCredits)} credits: a resume every ${a.loadEveryMinutes} min, ${a.warehouseSecondsPerResume} s each (Silver and Gold refresh inside it; the same with Firehose)`,
    },
  ];
  const fixed = fixedPerMonth.reduce((sum, line) => sum + line.usd, 0);
  // Firehose reads MSK without event source mappings: no pollers, no NAT for their payloads.
  const firehoseFixed = fixedPerMonth.filter((line) => !/pollers|NAT/.test(line.item)).reduce((sum, line) => sum + line.usd, 0);
  // Not in `fixed`: the alternative when every S3 "Object Created" event loads at once.
  fixedPerMonth.push({
    item: 'Snowflake: X-Small never suspending (a load per S3 event, files every few seconds)',
    usd: usd(alwaysOnCredits * PRICES.snowflakeCredit),
    basis: `${alwaysOnCredits} credits: instead of the line above, when freshness is bought with warehouse time`,
  });
  const allInPerMillionAt = [10_000_000, 100_000_000, 1_000_000_000].map((eventsPerMonth) => ({
    eventsPerMonth,
    pipeline: usd(pipelinePerMillionEvents + fixed / (eventsPerMonth / million)),
    firehose: usd(firehosePerMillionEvents + firehoseFixed / (eventsPerMonth / million)),
  }));
  return { pricesAsOf: PRICES_AS_OF, measured, perMillionEvents, pipelinePerMillionEvents, firehosePerMillionEvents, fixedPerMonth, allInPerMillionAt };
};
