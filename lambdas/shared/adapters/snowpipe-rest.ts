/**
 * The Snowpipe REST API's `insertFiles`, called with Node's own fetch and crypto: no session, no
 * warehouse, one HTTPS request per pipe and batch of files
 * (https://docs.snowflake.com/en/user-guide/data-load-snowpipe-rest-apis). It authenticates with a
 * key-pair JWT signed by the loader's private key, the one the SQL session logs in with
 * (https://docs.snowflake.com/en/user-guide/data-load-snowpipe-rest-overview, "Authentication";
 * claims as https://docs.snowflake.com/en/developer-guide/sql-api/authenticating and
 * https://docs.snowflake.com/en/user-guide/key-pair-auth describe them).
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import type { PrivateKey, PrivateKeySource } from './snowflake-private-key.js';

/** Where and as whom the loader submits files. */
export interface SnowpipeTarget {
  /** Account identifier as configured (`<org>-<account>`, or a legacy locator with region). */
  readonly account: string;
  readonly username: string;
  /** The database the pipes live in (pipe names are fully qualified in the URL). */
  readonly database: string;
  /** @default `https://<account>.snowflakecomputing.com` (the SQL session's access URL when set) */
  readonly accessUrl?: string;
}

/**
 * The account as the JWT names it: upper case, and a locator without its region
 * (`xy12345.us-east-1` -> `XY12345`), as the key-pair authentication pages require; the preferred
 * `<org>-<account>` form has no period and is kept whole.
 */
export const jwtAccountOf = (account: string): string => account.split('.')[0]!.toUpperCase();

/** `SHA256:` and the base64 SHA-256 of the public key's DER (SubjectPublicKeyInfo): RSA_PUBLIC_KEY_FP in DESCRIBE USER. */
export const publicKeyFingerprintOf = (key: PrivateKey): string => {
  const privateKey = createPrivateKey({ key: key.pem, format: 'pem', ...(key.passphrase === undefined ? {} : { passphrase: key.passphrase }) });
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
};

/** Most a token may live: "at most one hour" after its issue time (sql-api/authenticating). */
export const JWT_LIFETIME_SECONDS = 59 * 60;

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/** A key-pair JWT (RS256): iss = ACCOUNT.USER.SHA256:<fingerprint>, sub = ACCOUNT.USER, iat, exp. */
export const keyPairJwt = (target: Pick<SnowpipeTarget, 'account' | 'username'>, key: PrivateKey, now: Date): string => {
  const qualifiedUser = `${jwtAccountOf(target.account)}.${target.username.toUpperCase()}`;
  const issuedAt = Math.floor(now.getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({ iss: `${qualifiedUser}.${publicKeyFingerprintOf(key)}`, sub: qualifiedUser, iat: issuedAt, exp: issuedAt + JWT_LIFETIME_SECONDS }),
  );
  const privateKey = createPrivateKey({ key: key.pem, format: 'pem', ...(key.passphrase === undefined ? {} : { passphrase: key.passphrase }) });
  return `${header}.${claims}.${base64url(sign('sha256', Buffer.from(`${header}.${claims}`), privateKey))}`;
};

/** Snowpipe refused a submission: the message names the pipe, what Snowflake said and what to check. */
export class SnowpipeSubmitError extends Error {
  constructor(
    message: string,
    readonly pipe: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SnowpipeSubmitError';
  }
}

/** What to check for each refusal the API documents (data-load-snowpipe-rest-apis, response codes). */
const hintFor = (status: number): string => {
  if (status === 401) return 'the key-pair JWT was not accepted: check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and that the user holds this key (DESCRIBE USER, RSA_PUBLIC_KEY_FP)';
  if (status === 403) return "the loader's role may not use the pipe: grant it OPERATE on the pipe (streamflow sql deploy --load-mode snowpipe)";
  if (status === 404) return 'the pipe does not exist: deploy it with streamflow sql deploy --load-mode snowpipe (the stack\'s loadMode must match)';
  if (status === 429) return 'Snowpipe is throttling requests: the next tick submits the files again (their paths are the same, so nothing loads twice)';
  return 'Snowpipe did not accept the files; the next tick submits them again';
};

/** Submits staged files to pipes; the key comes from the same source the SQL session uses. */
export class SnowpipeRestClient {
  constructor(
    private readonly target: SnowpipeTarget,
    private readonly privateKey: PrivateKeySource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The insertFiles URL of a pipe (`<schema>.<pipe>` in the target's database), with a fresh requestId. */
  insertFilesUrl(pipe: string, requestId: string = randomUUID()): string {
    const base = this.target.accessUrl ?? `https://${this.target.account}.snowflakecomputing.com`;
    const qualified = `${this.target.database}.${pipe}`.toUpperCase();
    return new URL(`/v1/data/pipes/${qualified}/insertFiles?requestId=${requestId}`, base).toString();
  }

  /**
   * Asks `pipe` to load `paths` (relative to the pipe's stage folder). A 200 only means Snowpipe
   * queued them; its load metadata skips a path already loaded, so submitting again is safe.
   */
  async insertFiles(pipe: string, paths: readonly string[]): Promise<void> {
    const key = await this.privateKey.get();
    const response = await fetch(this.insertFilesUrl(pipe), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${keyPairJwt(this.target, key, this.now())}`,
        'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ files: paths.map((path) => ({ path })) }),
    });
    const text = await response.text();
    if (response.status === 401) this.privateKey.forget();
    if (!response.ok) {
      throw new SnowpipeSubmitError(`Snowpipe refused ${paths.length} files for pipe ${pipe} (HTTP ${response.status}: ${text.slice(0, 300)}): ${hintFor(response.status)}`, pipe, response.status);
    }
    const answer = (() => {
      try {
        return JSON.parse(text) as { responseCode?: unknown };
      } catch {
        return {};
      }
    })();
    if (answer.responseCode !== 'SUCCESS') {
      throw new SnowpipeSubmitError(`Snowpipe did not confirm ${paths.length} files for pipe ${pipe}: ${text.slice(0, 300)}`, pipe, response.status);
    }
  }
}
