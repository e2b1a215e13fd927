/**
 * A local S3 server (s3rver) on a random free port, with a client configured the way our code
 * needs against it: path-style URLs, dummy region and credentials, and checksums only when
 * required (otherwise the SDK's streamed, checksummed uploads are stored corrupted).
 *
 * s3rver runs in a child process started with `--openssl-legacy-provider`: it encrypts
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) only has there, so
 * in-process every second page of a listing fails with InternalError.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface LocalS3 {
  readonly endpoint: string;
  readonly bucket: string;
  /** A new client for the server (a test may add its own middleware to it). */
  client(): S3Client;
  /** Creates another, empty bucket (for tests that need one to themselves). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

// The SDK warns once per process that its 2027 releases need Node 22; tests run on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** s3rver accepts signatures made with these credentials only. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
/** s3rver's continuation tokens name this region; any other breaks pagination. */
export const S3RVER_REGION = 'us-east-1';

/** Runs in the child: starts s3rver on port 0, prints the port, exits when the parent's pipe closes. */
const SERVER_SCRIPT = `
const S3rver = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
const server = new S3rver({ ...options, address: '127.0.0.1', port: 0, silent: true });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

/** s3rver's entry point, resolved here so the child needs no module resolution of its own. */
const S3RVER_MAIN = createRequire(import.meta.url).resolve('s3rver');

export const s3ClientFor = (endpoint: string): S3Client =>
  new S3Client({
    endpoint,
    region: S3RVER_REGION,
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

export const startLocalS3 = async (bucket = 'streamflow-test'): Promise<LocalS3> => {
  const directory = await mkdtemp(join(tmpdir(), 'streamflow-s3rver-'));
  const options = { directory, configureBuckets: [{ name: bucket }] };
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, S3RVER_MAIN, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    bucket,
    client: () => {
      const client = s3ClientFor(endpoint);
      clients.push(client);
      return client;
    },
    createBucket: async (name) => {
      const client = s3ClientFor(endpoint);
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    },
    stop: async () => {
      for (const client of clients) client.destroy();
      child.stdin.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
};
