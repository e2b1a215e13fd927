/**
 * The metrics the CloudWatch alarms watch are the metrics the handlers emit. The handlers write
 * Powertools EMF to stdout; in AWS, CloudWatch Logs turns each EMF document into metric data. Here
 * the test does that translation by the EMF specification, puts the data into moto's CloudWatch
 * through the real SDK, and queries every alarm's metric exactly as the synthesized template
 * defines it (namespace, name, full dimension set, statistic, period).
 */
// Read when powertoolsFor() loads the shared Powertools module: real metrics on stdout, no logs.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, PutMetricDataCommand, type MetricDatum, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import fc from 'fast-check';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { scheduledTick } from '../../../lambdas/loader/loader-request.js';
import { FolderObjectStore } from '../../../lambdas/shared/adapters/folder-object-store.js';
import { cachedReferenceCatalog } from '../../../lambdas/shared/reference-catalog.js';
import { synthTemplates } from '../../cdk/synth-app.js';
import { dirtyValueArb, validUserEventArb } from '../../support/arbitraries.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { mskEvent, type PlainRecord } from '../../support/msk-event.js';
import { openWarehouseFixture, writeStandardScenario } from '../../support/warehouse-fixtures.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startMoto, type Moto } from '../support/moto.js';

interface TemplateDimension {
  readonly Name: string;
  readonly Value: unknown;
}

interface TemplateMetric {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: readonly TemplateDimension[];
}

/** One metric an alarm reads, with the statistic and period it reads it with. */
interface AlarmedMetric {
  readonly alarm: string;
  readonly metric: TemplateMetric;
  readonly stat: string;
  readonly period: number;
}

interface AlarmProperties extends Partial<TemplateMetric> {
  readonly Statistic?: string;
  readonly Period?: number;
  readonly Metrics?: readonly { MetricStat?: { Metric: TemplateMetric; Period: number; Stat: string } }[];
}

/** An EMF document (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html). */
interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly { Namespace: string; Dimensions: readonly (readonly string[])[]; Metrics: readonly { Name: string; Unit?: string }[] }[];
  };
  readonly [member: string]: unknown;
}

/** The namespace of the handlers' own metrics; every other alarm reads a metric AWS publishes. */
const OWN_NAMESPACE = 'StreamFlow';
const AWS_NAMESPACES = ['AWS/Lambda', 'AWS/Events', 'AWS/S3', 'AWS/SQS'];

type SynthesizedTemplates = ReturnType<typeof synthTemplates>['templates'];

/** Every metric of every alarm in the monitoring template, math-expression inputs included. */
const alarmedMetricsOf = (templates: SynthesizedTemplates): AlarmedMetric[] =>
  Object.entries(templates.monitoring.findResources('AWS::CloudWatch::Alarm')).flatMap(([alarm, resource]) => {
    const properties = (resource as { Properties: AlarmProperties }).Properties;
    if (properties.MetricName !== undefined) {
      const metric = { Namespace: properties.Namespace!, MetricName: properties.MetricName, Dimensions: properties.Dimensions ?? [] };
      return [{ alarm, metric, stat: properties.Statistic!, period: properties.Period! }];
    }
    return (properties.Metrics ?? []).flatMap((query) => (query.MetricStat ? [{ alarm, metric: query.MetricStat.Metric, stat: query.MetricStat.Stat, period: query.MetricStat.Period }] : []));
  });

/** The Powertools service name a function is deployed with, by its logical id prefix. */
const serviceNameOf = (templates: SynthesizedTemplates, functionPrefix: string): string => {
  const functions = templates.pipeline.findResources('AWS::Lambda::Function');
  const [resource] = Object.entries(functions).filter(([id]) => id.startsWith(functionPrefix)).map(([, value]) => value);
  return (resource as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME!;
};

/**
 * The shared logger/metrics module as a function's container loads it: with that function's
 * environment, so its `service` dimension is what the deployed function would emit.
 */
const powertoolsFor = async (serviceName: string): Promise<{ metrics: Metrics; logger: Logger }> => {
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', serviceName);
  vi.resetModules();
  const module = await import('../../../lambdas/shared/powertools.js');
  vi.unstubAllEnvs();
  return module;
};

/** Runs `invoke` and returns the EMF documents it printed (Powertools writes them to stdout). */
const emfPrintedBy = async (invoke: () => Promise<unknown>): Promise<EmfDocument[]> => {
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(chunk.toString());
    return true;
  });
  try {
    await invoke();
  } finally {
    write.mockRestore();
  }
  return printed
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfDocument);
};

/** What CloudWatch Logs extracts from one EMF document: a datum per metric and dimension set. */
const metricDataOf = (document: EmfDocument): { namespace: string; data: MetricDatum[] }[] =>
  document._aws.CloudWatchMetrics.map((directive) => ({
    namespace: directive.Namespace,
    data: directive.Dimensions.flatMap((dimensionSet) =>
      directive.Metrics.map((metric): MetricDatum => {
        const value = document[metric.Name];
        return {
          MetricName: metric.Name,
          Dimensions: dimensionSet.map((name) => ({ Name: name, Value: String(document[name]) })),
          Timestamp: new Date(document._aws.Timestamp),
          ...(metric.Unit ? { Unit: metric.Unit as StandardUnit } : {}),
          ...(Array.isArray(value) ? { Values: value as number[] } : { Value: value as number }),
        };
      }),
    ),
  }));

describeOnEmulator('moto', "CloudWatch alarms read the metrics the handlers emit (Powertools EMF), against moto's CloudWatch", () => {
  let moto: Moto;
  let cloudwatch: CloudWatchClient;
  let alarmedMetrics: AlarmedMetric[];
  let ownMetrics: AlarmedMetric[];
  const emitted: EmfDocument[] = [];

  beforeAll(async () => {
    const { templates } = synthTemplates();
    alarmedMetrics = alarmedMetricsOf(templates);
    ownMetrics = alarmedMetrics.filter(({ metric }) => metric.Namespace === OWN_NAMESPACE);
    moto = await startMoto();
    cloudwatch = new CloudWatchClient(moto.clientConfig);

    // Prepare: one consumer invocation with valid and dirty records, then one loader tick.
    const warehouse = await openWarehouseFixture('alarm-metrics');
    try {
      const consumerTools = await powertoolsFor(serviceNameOf(templates, 'ConsumerFunction'));
      const { makeConsumerHandler } = await import('../../../lambdas/consumer/make-handler.js');
      const store = new FolderObjectStore(warehouse.dir);
      const records: PlainRecord[] = [
        ...fc.sample(validUserEventArb, { numRuns: 5, seed: 401 }).map((record) => ({ topic: 'user_events', ...record })),
        ...fc.sample(dirtyValueArb('user_events'), { numRuns: 2, seed: 402 }).map((record) => ({ topic: 'user_events', ...record })),
      ];
      const consumer = makeConsumerHandler({ store, referenceCatalog: cachedReferenceCatalog(store, 60_000), ...consumerTools });
      emitted.push(...(await emfPrintedBy(() => consumer(mskEvent(records), lambdaContext('streamflow-consumer')))));

      const loaderTools = await powertoolsFor(serviceNameOf(templates, 'LoaderFunction'));
      const { makeLoaderHandler } = await import('../../../lambdas/loader/make-handler.js');
      await writeStandardScenario(warehouse.store);
      const loader = makeLoaderHandler({ store: warehouse.store, warehouse: warehouse.warehouse, ...loaderTools });
      emitted.push(...(await emfPrintedBy(() => loader(scheduledTick(), lambdaContext('streamflow-loader')))));
    } finally {
      await warehouse.close();
    }
    for (const { namespace, data } of emitted.flatMap(metricDataOf)) {
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
    }
  });

  afterAll(async () => {
    cloudwatch?.destroy();
    await moto?.stop();
  });

  it('reads every alarm metric either from the StreamFlow namespace or from a namespace AWS itself publishes', () => {
    // Assess: the AWS/* metrics (Lambda errors, offset lag, rule matches, bucket objects, the load queue's dead letters) come from AWS, not from our code.
    expect(ownMetrics.length).toBeGreaterThanOrEqual(6);
    for (const { alarm, metric } of alarmedMetrics) expect([OWN_NAMESPACE, ...AWS_NAMESPACES], alarm).toContain(metric.Namespace);
  });

  it("finds data for every StreamFlow metric an alarm reads, with the alarm's exact dimensions, statistic and period, against moto's CloudWatch", async () => {
    // Act: the alarm's own query, as CloudWatch evaluates it (GetMetricData matches dimension sets exactly).
    const now = Date.now();
    const results = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 2 * 60 * 60 * 1000),
        EndTime: new Date(now + 60 * 60 * 1000),
        MetricDataQueries: ownMetrics.map(({ metric, stat, period }, index) => ({
          Id: `m${index}`,
          MetricStat: { Metric: { ...metric, Dimensions: metric.Dimensions.map(({ Name, Value }) => ({ Name, Value: String(Value) })) }, Period: period, Stat: stat },
        })),
      }),
    );

    // Assess
    const pointsOf = new Map((results.MetricDataResults ?? []).map((result) => [result.Id, result.Values ?? []]));
    const withoutData = ownMetrics.filter((_, index) => (pointsOf.get(`m${index}`) ?? []).length === 0).map(({ alarm, metric }) => `${alarm}: ${metric.MetricName}`);
    expect(withoutData).toEqual([]);
  });

  it("lists each alarmed StreamFlow metric under exactly the alarm's dimension set, against moto's CloudWatch", async () => {
    // Act
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: OWN_NAMESPACE }));

    // Assess: a metric with one extra dimension (function_name, say) would be another metric to CloudWatch.
    const key = (name: string, dimensions: readonly { Name?: string; Value?: unknown }[]) =>
      `${name} ${JSON.stringify(dimensions.map(({ Name, Value }) => [Name, String(Value)]).sort())}`;
    const listedKeys = new Set((listed.Metrics ?? []).map((metric) => key(metric.MetricName!, metric.Dimensions ?? [])));
    for (const { alarm, metric } of ownMetrics) expect(listedKeys.has(key(metric.MetricName, metric.Dimensions)), `${alarm}: ${metric.MetricName}`).toBe(true);
  });

  it("emits the alarmed metrics from the functions the alarms name: consumer metrics from the consumer's service, loader metrics from the loader's", () => {
    // Assess: each EMF document's service is the emitting function's POWERTOOLS_SERVICE_NAME from the template.
    const emittedBy = new Map<string, string>();
    for (const document of emitted) for (const metric of document._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics)) emittedBy.set(metric.Name, String(document.service));
    for (const { alarm, metric } of ownMetrics) {
      const service = metric.Dimensions.find((dimension) => dimension.Name === 'service')?.Value;
      expect(emittedBy.get(metric.MetricName), alarm).toBe(service);
    }
  });
});
