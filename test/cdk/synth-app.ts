/**
 * Builds the CDK app the way bin/app.ts does (cdk.json context, then overrides), once per test
 * file. Asset bundling is skipped unless asked for: the templates do not depend on it, and
 * bundling.test.ts bundles every function for real once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { loadConfig, type StreamFlowConfig } from '../../lib/config.js';
import { addStreamFlowStacks, type StreamFlowStacks } from '../../lib/streamflow-app.js';

/** The context cdk.json gives every `cdk` command. */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = cdkJson.context;

export interface BuildOptions {
  /** Context on top of cdk.json's, as `-c key=value` would give. */
  readonly context?: Record<string, unknown>;
  /** Run esbuild for every function (slow); otherwise the assets are placeholders. */
  readonly bundle?: boolean;
  /**
   * Run the CDK's built-in CloudFormation template validation as `cdk synth` does (seconds per
   * synthesis); it never changes a template, so template assertions leave it to the nag suite.
   */
  readonly validate?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly config: StreamFlowConfig;
  readonly stacks: StreamFlowStacks;
}

export const buildApp = (options: BuildOptions = {}): BuiltApp => {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'streamflow-cdk-')),
    builtinCloudFormationValidation: options.validate ?? false,
    context: { ...CDK_JSON_CONTEXT, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context },
  });
  const config = loadConfig(app);
  return { app, config, stacks: addStreamFlowStacks(app, config) };
};

export interface Templates {
  readonly storage: Template;
  readonly streaming: Template;
  readonly pipeline: Template;
  readonly monitoring: Template;
}

export const allTemplates = (templates: Templates): Template[] => [templates.storage, templates.streaming, templates.pipeline, templates.monitoring];

/** Synthesizes once and returns each stack's template. */
export const synthTemplates = (options: BuildOptions = {}): BuiltApp & { templates: Templates } => {
  const built = buildApp(options);
  const { storage, streaming, pipeline, monitoring } = built.stacks;
  return {
    ...built,
    templates: {
      storage: Template.fromStack(storage),
      streaming: Template.fromStack(streaming),
      pipeline: Template.fromStack(pipeline),
      monitoring: Template.fromStack(monitoring),
    },
  };
};

/** A policy statement as it appears in a synthesized template. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every IAM policy (inline and managed) in a template, with its policy's logical id. */
export const policyStatements = (template: Template): { policy: string; statement: Statement }[] =>
  Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([policy, resource]) =>
    ((resource as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement).map((statement) => ({ policy, statement })),
  );

export const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

export const resourcesOf = (statement: Statement): unknown[] => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]);

/** The logical id of the only resource of `type` whose id starts with `prefix`. */
export const logicalIdOf = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
};
