/**
 * moto's server (`moto_server`, pinned in emulators/requirements.txt) on a free 127.0.0.1 port: one
 * process serves S3, KMS, Secrets Manager and CloudWatch, so a suite starts it once in beforeAll
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
  stop(): Promise<void>;
}

let bucketSerial = 0;

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
    stop: async () => {
      for (const client of clients) client.destroy();
      await server.stop();
    },
  };
};
