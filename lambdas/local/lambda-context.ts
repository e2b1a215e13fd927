/** A Lambda context for local invocations, so Powertools sees what it sees in AWS. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Lambda's longest timeout: the local default, so only a test's shorter one ever fires. */
export const MAX_LAMBDA_TIMEOUT_MS = 900_000;

export const localLambdaContext = (functionName: string, timeoutMs = MAX_LAMBDA_TIMEOUT_MS): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Invokes a handler as the Lambda service does, under a timeout: past it the invocation fails with
 * Lambda's own message, and what the handler was still doing is abandoned (as in a sandbox that is
 * frozen), never awaited. Whatever it writes later must be harmless: deterministic keys make it so.
 */
export const invokeWithTimeout = async <T>(functionName: string, timeoutMs: number, invoke: (context: Context) => Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
  });
  try {
    return await Promise.race([invoke(localLambdaContext(functionName, timeoutMs)), timedOut]);
  } finally {
    clearTimeout(timer);
  }
};
