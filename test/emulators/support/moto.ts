/**
 * moto's server (`moto_server`, pinned in emulators/requirements.txt) on a free 127.0.0.1 port: one
 * process serves S3, KMS, Secrets Manager, CloudWatch, EventBridge and SQS, so a suite starts it once in beforeAll
 * and stops it in afterAll. Clients get dummy credentials (moto checks none) and path-style S3
 * URLs (moto's virtual-host routing needs DNS names like `<bucket>.localhost`).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { answersHttp, freePort, startEmulator, venvBin, type RunningEmulator } from './emulators.js';

// The SDK warns once per process that its 2027 releases need Node 22; tests run on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** moto signs nothing and checks no signature; any non-empty credentials do. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const MOTO_REGION = 'us-east-1';

/** What every SDK client needs to talk to this moto instead of AWS. */
export interface MotoClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: typeof MOTO_CREDENTIALS;
}

/**
 * The environment an SDK client built as `new S3Client({})` reads (as in Lambda, or on a laptop
 * with an AWS profile), pointed at this moto: stub each entry for code that builds its own client.
 */
export const awsEnvironmentFor = (moto: Pick<Moto, 'endpoint' | 'clientConfig'>): Readonly<Record<string, string>> => ({
  AWS_REGION: moto.clientConfig.region,
  AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
  AWS_ENDPOINT_URL_S3: moto.endpoint,
});

export interface Moto {
  readonly endpoint: string;
  /** Endpoint, region and credentials for any `@aws-sdk/client-*` constructor. */
  readonly clientConfig: MotoClientConfig;
  /**
   * An S3 client with the SDK's default checksum behaviour (as the Lambda functions build theirs,
   * `new S3Client({})`), only pointed at moto.
   */
  s3(): S3Client;
  /** Creates an empty bucket with a name of its own, and returns the name. */
  createBucket(prefix: string): Promise<string>;
  /** Creates a symmetric KMS key in moto's KMS and returns its ARN. */
  createKmsKey(description: string): Promise<string>;
  /**
   * One call of an AWS JSON-protocol API whose SDK client the project does not otherwise need:
   * KMS and EventBridge speak JSON 1.1, SQS JSON 1.0 (e.g. `jsonCall('sqs', 'AmazonSQS.CreateQueue', {…}, '1.0')`).
   */
  jsonCall(service: string, target: string, body: object, jsonVersion?: '1.0' | '1.1'): Promise<unknown>;
  stop(): Promise<void>;
}

let bucketSerial = 0;

/**
 * One call of an AWS JSON-protocol API. moto checks no signature but picks the service from the
 * credential scope, so the Authorization header names it.
 */
const awsJsonCall = async (endpoint: string, service: string, target: string, body: object, jsonVersion: '1.0' | '1.1' = '1.1'): Promise<unknown> => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': `application/x-amz-json-${jsonVersion}`,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20260101/${MOTO_REGION}/${service}/aws4_request, SignedHeaders=host, Signature=unsigned`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target} failed with ${response.status}: ${text}`);
  return JSON.parse(text);
};

export const startMoto = async (): Promise<Moto> => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server: RunningEmulator = await startEmulator({
    command: venvBin('moto_server'),
    args: ['-H', '127.0.0.1', '-p', String(port)],
    port,
    ready: () => answersHttp(`${endpoint}/moto-api/`),
  });
  const clientConfig: MotoClientConfig = { endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS };
  const clients: S3Client[] = [];
  const s3 = (): S3Client => {
    const client = new S3Client({ ...clientConfig, forcePathStyle: true });
    clients.push(client);
    return client;
  };
  return {
    endpoint,
    clientConfig,
    s3,
    createBucket: async (prefix) => {
      const name = `${prefix}-${++bucketSerial}`;
      await s3().send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    createKmsKey: async (description) => {
      const { KeyMetadata } = (await awsJsonCall(endpoint, 'kms', 'TrentService.CreateKey', { Description: description })) as {
        KeyMetadata: { Arn: string };
      };
      return KeyMetadata.Arn;
    },
    jsonCall: (service, target, body, jsonVersion) => awsJsonCall(endpoint, service, target, body, jsonVersion),
    stop: async () => {
      for (const client of clients) client.destroy();
      await server.stop();
    },
  };
};
