/**
 * The whole deployment: four stacks, stateful apart from stateless, wired together. bin/app.ts
 * calls this with the configuration read from cdk.json; the tests call it the same way.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StreamFlowConfig } from './config.js';
import { MonitoringStack } from './stacks/monitoring-stack.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { StorageStack } from './stacks/storage-stack.js';
import { StreamingStack } from './stacks/streaming-stack.js';

export interface StreamFlowStacks {
  readonly storage: StorageStack;
  readonly streaming: StreamingStack;
  readonly pipeline: PipelineStack;
  readonly monitoring: MonitoringStack;
}

/** CloudFormation stack names of a stage (what `cdk deploy` and `cdk destroy` take). */
export const stackNames = (stage: string) => ({
  storage: `streamflow-${stage}-storage`,
  streaming: `streamflow-${stage}-streaming`,
  pipeline: `streamflow-${stage}-pipeline`,
  monitoring: `streamflow-${stage}-monitoring`,
});

export const addStreamFlowStacks = (app: App, config: StreamFlowConfig): StreamFlowStacks => {
  const names = stackNames(config.stage);
  const storage = new StorageStack(app, names.storage, { config, description: `StreamFlow ${config.stage}: buckets, data key, Snowflake secret (stateful)` });
  const streaming = new StreamingStack(app, names.streaming, { config, description: `StreamFlow ${config.stage}: VPC and MSK ${config.streaming.cluster === 'serverless' ? 'Serverless' : 'provisioned'} cluster` });
  const pipeline = new PipelineStack(app, names.pipeline, {
    config,
    storage,
    streaming,
    description: `StreamFlow ${config.stage}: consumer, loader and producer functions, schedules, S3 event rule`,
  });
  const monitoring = new MonitoringStack(app, names.monitoring, {
    config,
    storage,
    pipeline,
    description: `StreamFlow ${config.stage}: alarms, alarm topic, dashboard`,
  });
  Tags.of(app).add('project', 'streamflow');
  Tags.of(app).add('stage', config.stage);
  return { storage, streaming, pipeline, monitoring };
};

/** cdk-nag's AwsSolutions pack: synthesis fails on any finding not acknowledged with a reason. */
export const addNagChecks = (app: App): void => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
};
