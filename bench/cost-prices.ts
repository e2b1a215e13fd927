/**
 * List prices the cost model uses: us-east-1, on demand, USD. Each names the page it comes from,
 * when it was read, and whether the figure itself was confirmed there (`confirmed`) or only the
 * billing dimension (`dimension`), or neither (`unconfirmed`: recalled, check before quoting).
 * This machine reaches only a search index of public pages, not the live pricing pages.
 */
export type PriceStatus = 'confirmed' | 'dimension' | 'unconfirmed';

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  readonly read: string;
  readonly status: PriceStatus;
}

const READ = '2026-12-01';
const price = (usd: number, per: string, source: string, status: PriceStatus): Price => ({ usd, per, source, read: READ, status });

export const PRICES = {
  lambdaArmGbSecond: price(0.0000133334, 'GB-second, arm64, first tier', 'aws.amazon.com/lambda/pricing', 'dimension'),
  lambdaRequest: price(0.2 / 1e6, 'request', 'aws.amazon.com/lambda/pricing', 'dimension'),
  eventPollerUnitHour: price(0.185, 'Event Poller Unit-hour (provisioned mode)', 'aws.amazon.com/lambda/pricing', 'unconfirmed'),
  s3Put: price(0.005 / 1000, 'PUT/COPY/POST/LIST request', 'aws.amazon.com/s3/pricing', 'unconfirmed'),
  s3Get: price(0.0004 / 1000, 'GET request', 'aws.amazon.com/s3/pricing', 'unconfirmed'),
  mskServerlessClusterHour: price(0.75, 'cluster-hour', 'aws.amazon.com/msk/pricing', 'dimension'),
  mskServerlessPartitionHour: price(0.0015, 'partition-hour', 'aws.amazon.com/msk/pricing', 'dimension'),
  mskServerlessGbIn: price(0.1, 'GB written', 'aws.amazon.com/msk/pricing', 'dimension'),
  mskServerlessGbOut: price(0.05, 'GB read', 'aws.amazon.com/msk/pricing', 'dimension'),
  mskT3SmallHour: price(0.0456, 'kafka.t3.small broker-hour', 'aws.amazon.com/msk/pricing', 'unconfirmed'),
  mskM7gLargeHour: price(0.204, 'kafka.m7g.large broker-hour', 'aws.amazon.com/msk/pricing', 'unconfirmed'),
  mskBrokerStorageGbMonth: price(0.1, 'GB-month of broker storage', 'aws.amazon.com/msk/pricing', 'unconfirmed'),
  natHour: price(0.045, 'NAT gateway-hour', 'aws.amazon.com/vpc/pricing', 'unconfirmed'),
  natGb: price(0.045, 'GB processed by a NAT gateway', 'aws.amazon.com/vpc/pricing', 'unconfirmed'),
  publicIpv4Hour: price(0.005, 'public IPv4 address-hour (the NAT gateway has one)', 'aws.amazon.com/vpc/pricing', 'unconfirmed'),
  interfaceEndpointAzHour: price(0.01, 'interface endpoint-hour per AZ', 'aws.amazon.com/privatelink/pricing', 'unconfirmed'),
  interfaceEndpointGb: price(0.01, 'GB processed by an interface endpoint', 'aws.amazon.com/privatelink/pricing', 'unconfirmed'),
  kmsKeyMonth: price(1, 'customer managed key-month', 'aws.amazon.com/kms/pricing', 'unconfirmed'),
  secretMonth: price(0.4, 'secret-month', 'aws.amazon.com/secrets-manager/pricing', 'unconfirmed'),
  alarmMetricMonth: price(0.1, 'standard alarm metric-month', 'aws.amazon.com/cloudwatch/pricing', 'unconfirmed'),
  dashboardMonth: price(3, 'dashboard-month beyond the free three', 'aws.amazon.com/cloudwatch/pricing', 'unconfirmed'),
  sqsRequest: price(0.4 / 1e6, 'standard queue request (each 64 KB chunk of a payload)', 'aws.amazon.com/sqs/pricing', 'unconfirmed'),
  eventBridgeS3Event: price(
    1 / 1e6,
    'S3 event ingested by the default event bus (an "AWS opt-in data event", every object of a bucket with EventBridge on)',
    'aws.amazon.com/eventbridge/pricing (names S3 events "AWS opt-in data events"; their rate is recalled)',
    'unconfirmed',
  ),
  firehoseMskGb: price(0.055, 'GB ingested from MSK, first tier (larger of ingested and delivered, no 5 KB rounding)', 'aws.amazon.com/firehose/pricing', 'dimension'),
  snowflakeCredit: price(2, 'credit, Standard edition on AWS us-east-1 (Enterprise $3)', 'snowflake.com/en/pricing-options', 'unconfirmed'),
  /** Credits, not USD: what one uncompressed GB costs in Snowpipe (files) and Snowpipe Streaming (high-performance). */
  snowpipeCreditsPerGb: price(0.0037, 'credits per GB loaded by Snowpipe', 'docs.snowflake.com/en/user-guide/data-load-snowpipe-billing (per-GB model); rate: Snowflake Service Consumption Table', 'unconfirmed'),
  snowpipeStreamingCreditsPerGb: price(
    0.0037,
    'credits per uncompressed GB (high-performance architecture)',
    'docs.snowflake.com/en/user-guide/snowpipe-streaming-high-performance-cost (per-GB model confirmed); rate: Snowflake Service Consumption Table',
    'dimension',
  ),
  /** A multiplier on credits, not USD. */
  serverlessTaskCreditMultiplier: price(0.9, 'compute credits per X-Small-equivalent hour of serverless task compute', 'Snowflake Service Consumption Table, serverless feature credit table', 'unconfirmed'),
} as const;

export type PriceName = keyof typeof PRICES;
