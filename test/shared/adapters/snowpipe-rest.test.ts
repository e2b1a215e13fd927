/**
 * The loader's insertFiles call against a local HTTP server standing in for Snowpipe's REST
 * endpoint (our stand-in, shaped after https://docs.snowflake.com/en/user-guide/data-load-snowpipe-rest-apis):
 * it checks what Snowflake would check of the request (the key-pair JWT's signature against the
 * user's public key, its claims, the URL, headers and body) and answers as the page's sample
 * response does. Only a real account proves Snowflake accepts the same request.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SnowpipeRestClient, SnowpipeSubmitError, jwtAccountOf } from '../../../lambdas/shared/adapters/snowpipe-rest.js';
import type { PrivateKeySource } from '../../../lambdas/shared/adapters/snowflake-private-key.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
/** What DESCRIBE USER shows as RSA_PUBLIC_KEY_FP for the key ALTER USER … SET RSA_PUBLIC_KEY gave it. */
const FINGERPRINT = `SHA256:${createHash('sha256').update(createPublicKey(publicKey).export({ type: 'spki', format: 'der' })).digest('base64')}`;
const NOW = new Date('2026-12-02T03:00:00Z');

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server;
let baseUrl: string;
let received: Received[];
let answer: { status: number; body: string };
let forgotten: number;

const keySource: PrivateKeySource = {
  get: () => Promise.resolve({ pem: privateKey }),
  forget: () => void forgotten++,
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  forgotten = 0;
  answer = { status: 200, body: JSON.stringify({ requestId: 'from-the-url', responseCode: 'SUCCESS' }) };
});

const client = (account = 'myorg-myaccount') =>
  new SnowpipeRestClient({ account, username: 'streamflow_loader', database: 'STREAMFLOW_DW', accessUrl: baseUrl }, keySource, () => NOW);

const decoded = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('insertFiles against a stand-in at the HTTP boundary (our server, after Snowflake\'s documented request and response)', () => {
  it('POSTs the paths to the pipe\'s insertFiles URL with a key-pair JWT the user\'s public key verifies, and accepts SUCCESS', async () => {
    // Act
    await client().insertFiles('bronze.raw_user_events_pipe', ['0123456789abcdef/gold/user_events/dt=2026-01-01/f.csv.gz/f.csv.gz']);

    // Assess: URL, headers, body
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toMatch(/^\/v1\/data\/pipes\/STREAMFLOW_DW\.BRONZE\.RAW_USER_EVENTS_PIPE\/insertFiles\?requestId=[0-9a-f-]{36}$/);
    expect(request!.headers['x-snowflake-authorization-token-type']).toBe('KEYPAIR_JWT');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({ files: [{ path: '0123456789abcdef/gold/user_events/dt=2026-01-01/f.csv.gz/f.csv.gz' }] });

    // Assess: the JWT, signed RS256 by the private key, its claims as the key-pair pages define them
    const token = /^Bearer (.+)$/.exec(request!.headers.authorization ?? '')![1]!;
    const [header, claims, signature] = token.split('.') as [string, string, string];
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(decoded(header)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const iat = NOW.getTime() / 1000;
    expect(decoded(claims)).toEqual({ iss: `MYORG-MYACCOUNT.STREAMFLOW_LOADER.${FINGERPRINT}`, sub: 'MYORG-MYACCOUNT.STREAMFLOW_LOADER', iat, exp: iat + 59 * 60 });
  });

  it('names a legacy locator without its region in the JWT, as the key-pair pages require', () => {
    expect(jwtAccountOf('xy12345.us-east-1')).toBe('XY12345');
    expect(jwtAccountOf('myorg-myaccount')).toBe('MYORG-MYACCOUNT');
  });

  it.each([
    [401, { code: '390144', message: 'JWT token is invalid.' }, /HTTP 401.*check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER/],
    [403, { code: '390403', message: 'Not authorized to manage the specified object. Pipe access permission denied' }, /HTTP 403.*grant it OPERATE on the pipe/],
    [404, { code: '390404', message: 'Specified object does not exist or not authorized. Pipe not found' }, /HTTP 404.*deploy it with streamflow sql deploy --load-mode snowpipe/],
  ])('fails with an error naming the pipe and what to check when Snowpipe answers %i', async (status, body, hint) => {
    // Prepare
    answer = { status, body: JSON.stringify({ data: null, ...body, success: false }) };

    // Act
    const error = await client().insertFiles('bronze.raw_transactions_pipe', ['a/b.csv']).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SnowpipeSubmitError);
    expect((error as SnowpipeSubmitError).pipe).toBe('bronze.raw_transactions_pipe');
    expect((error as Error).message).toMatch(/^Snowpipe refused 1 files for pipe bronze\.raw_transactions_pipe /);
    expect((error as Error).message).toMatch(hint);
    // a rejected JWT may be a rotated key: the next attempt reads the secret again
    expect(forgotten).toBe(status === 401 ? 1 : 0);
  });

  it('fails when a 200 answer does not say SUCCESS', async () => {
    answer = { status: 200, body: JSON.stringify({ requestId: 'x', responseCode: 'ERROR' }) };
    await expect(client().insertFiles('bronze.raw_products_pipe', ['a/b.csv'])).rejects.toThrow(/did not confirm 1 files for pipe bronze\.raw_products_pipe/);
  });
});
