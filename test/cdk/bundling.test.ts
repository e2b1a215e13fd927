/**
 * The one suite that bundles for real: every function is built with the local esbuild (no
 * Docker), and each bundle is loaded by a plain `node` the way the Lambda runtime loads it, so a
 * broken import, a CommonJS dependency without `require`, or a missing export fails here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthTemplates } from './synth-app.js';

/** What Lambda would set, plus what each function's stack sets (values only need to be well formed). */
const RUNTIME_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  BUCKET_NAME: 'streamflow-data',
  SNOWFLAKE_ACCOUNT: 'myorg-myaccount',
  SNOWFLAKE_USER: 'STREAMFLOW_LOADER',
  SNOWFLAKE_ROLE: 'STREAMFLOW_LOADER',
  SNOWFLAKE_WAREHOUSE: 'STREAMFLOW_WH',
  SNOWFLAKE_DATABASE: 'STREAMFLOW_DW',
  LOAD_MODE: 'snowpipe',
  SNOWFLAKE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow/snowflake-AbC123',
  MSK_CLUSTER_ARN: 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow-dev/6a1b2c3d-0000-1111-2222-333344445555-s1',
  PRODUCER_EVENTS: '10',
  PRODUCER_WINDOW_MINUTES: '5',
  PRODUCER_DIRTY_RATE: '0',
};

let outdir: string;
let templates: Template[];

beforeAll(() => {
  const built = synthTemplates({ bundle: true });
  outdir = built.app.outdir;
  templates = [built.templates.streaming, built.templates.pipeline];
}, 120_000);

/** The bundle directory of a function defined by a NodejsFunction (its code asset). */
const bundleOf = (functionIdPrefix: string): string => {
  for (const template of templates) {
    const match = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(functionIdPrefix));
    if (match) {
      const key = (match[1] as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key;
      return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    }
  }
  throw new Error(`no function ${functionIdPrefix}`);
};

describe.each([
  ['consumer', 'ConsumerFunction'],
  ['loader', 'LoaderFunction'],
  ['producer', 'ProducerFunction'],
  ['topic admin', 'KafkaTopicAdminFunction'],
])('%s bundle', (_name, functionIdPrefix) => {
  it('is an ES module with its source map', () => {
    // Act
    const dir = bundleOf(functionIdPrefix);

    // Assess
    expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
  });

  it('loads in plain Node.js and exports a handler function', () => {
    // Prepare
    const entry = pathToFileURL(join(bundleOf(functionIdPrefix), 'index.mjs')).href;
    const script = `const m = await import(${JSON.stringify(entry)}); if (typeof m.handler !== 'function') throw new Error('no handler export'); console.log('loaded');`;

    // Act
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...RUNTIME_ENV }, encoding: 'utf8', timeout: 30_000 });

    // Assess
    expect(output.trim().split('\n').at(-1)).toBe('loaded');
  });
});
