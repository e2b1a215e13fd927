/**
 * Which Snowflake errors are worth another attempt, which mean another transaction won a lock,
 * and the bounded, jittered retry loop around both. Everything else (SQL errors, bad credentials,
 * a rejected file) fails at once: retrying it only delays the alarm.
 */

/** Driver codes for a request that never got an answer (snowflake-sdk's ErrorCode). */
const DRIVER_NETWORK_CODES: ReadonlySet<number> = new Set([
  401001, // ERR_SF_NETWORK_COULD_NOT_CONNECT
  401002, // ERR_SF_RESPONSE_FAILURE
  402001, // ERR_LARGE_RESULT_SET_NETWORK_COULD_NOT_CONNECT
  402002, // ERR_LARGE_RESULT_SET_RESPONSE_FAILURE
  407002, // ERR_CONN_REQUEST_STATUS_DISCONNECTED: the connection dropped; a new one is opened
]);

const SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

/** Server codes that need a fresh session: the session (or its master token) expired while the Lambda was frozen. */
const SESSION_EXPIRED_CODES: ReadonlySet<string> = new Set(['390112', '390114']);

/**
 * Lock waits that ran out: LOCK_TIMEOUT passed, or too many statements already wait for the lock
 * (000625, "… has locked table … and this lock has not yet been released. Your statement … was
 * aborted because the number of waiters for this lock exceeds the 20 statements limit"). Wording
 * as Snowflake reports them (not verifiable offline, hence the message fallback).
 */
const LOCK_TIMEOUT_CODES: ReadonlySet<string> = new Set(['000625']);
const LOCK_TIMEOUT_MESSAGE = /lock wait timeout|lock timeout|has locked table|exceeded the lock timeout/i;
/** A deadlock abort: Snowflake rolled this transaction back so another could go on. */
const DEADLOCK_CODES: ReadonlySet<string> = new Set(['000626']);
const DEADLOCK_MESSAGE = /deadlock/i;

interface ErrorShape {
  readonly code?: string | number;
  readonly sqlState?: string;
  readonly cause?: unknown;
}

/** Snowflake codes arrive as numbers or as zero-padded text (`'000625'`); compare them padded. */
const codeOf = (error: unknown): string => {
  const code = String((error as ErrorShape | undefined)?.code ?? '');
  return /^\d+$/.test(code) ? code.padStart(6, '0') : code;
};
const sqlStateOf = (error: unknown): string => String((error as ErrorShape | undefined)?.sqlState ?? '');

/** The session is gone and a new connection is needed before anything else runs. */
export const needsNewSession = (error: unknown): boolean =>
  SESSION_EXPIRED_CODES.has(codeOf(error)) || DRIVER_NETWORK_CODES.has(Number(codeOf(error))) || sqlStateOf(error).startsWith('08');

/** Worth another attempt: the network, the connection or the session failed, not the statement. */
export const isTransient = (error: unknown): boolean => {
  if (needsNewSession(error) || SOCKET_CODES.has(codeOf(error))) return true;
  const cause = (error as ErrorShape | undefined)?.cause;
  return cause !== undefined && cause !== error && SOCKET_CODES.has(codeOf(cause));
};

/** The statement gave up waiting for a lock another transaction held (Snowflake does not enforce keys; DML locks the table). */
export const isLockTimeout = (error: unknown): boolean =>
  LOCK_TIMEOUT_CODES.has(codeOf(error)) || (error instanceof Error && LOCK_TIMEOUT_MESSAGE.test(error.message));

/** This transaction lost a deadlock or a serialization conflict to another one and was rolled back. */
export const isLockConflict = (error: unknown): boolean =>
  !isLockTimeout(error) && (DEADLOCK_CODES.has(codeOf(error)) || sqlStateOf(error) === '40001' || (error instanceof Error && DEADLOCK_MESSAGE.test(error.message)));

/** How often and how patiently a transient failure is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubled before each further one, plus up to 50 % jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); injectable so tests are deterministic. */
  readonly random: () => number;
}

/** @default 3 attempts, 250 ms, 250–375 ms then 500–750 ms: short enough for a Lambda, long enough for a blip. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Runs `work` until it succeeds, fails with a non-transient error, or the attempts run out. */
export const withRetry = async <T>(
  work: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(exponential * (1 + policy.random() / 2));
      onRetry(error, attempt, delayMs);
      await policy.sleep(delayMs);
    }
  }
};
