import { afterEach, describe, expect, it, vi } from 'vitest';
import { invokeWithTimeout, localLambdaContext } from '../../lambdas/local/lambda-context.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('localLambdaContext', () => {
  it('names the function as the Lambda runtime would', () => {
    // Prepare / Act
    const context = localLambdaContext('streamflow-consumer');

    // Assess
    expect(context).toMatchObject({
      functionName: 'streamflow-consumer',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:streamflow-consumer',
      logGroupName: '/aws/lambda/streamflow-consumer',
      memoryLimitInMB: '1024',
    });
  });

  it('gives every invocation its own request id', () => {
    // Prepare / Act
    const ids = new Set(Array.from({ length: 50 }, () => localLambdaContext('f').awsRequestId));

    // Assess
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('counts the remaining time down from the timeout, never below zero', () => {
    // Prepare
    vi.useFakeTimers({ now: 1_000_000 });
    const context = localLambdaContext('f', 5_000);

    // Act
    const atStart = context.getRemainingTimeInMillis();
    vi.setSystemTime(1_003_000);
    const later = context.getRemainingTimeInMillis();
    vi.setSystemTime(1_009_000);
    const past = context.getRemainingTimeInMillis();

    // Assess
    expect([atStart, later, past]).toEqual([5_000, 2_000, 0]);
  });

  it('fails an invocation still running at its timeout with Lambda\'s message, and abandons it', async () => {
    // Prepare
    let remaining = -1;

    // Act
    const slow = invokeWithTimeout('f', 50, (context) => {
      remaining = context.getRemainingTimeInMillis();
      return new Promise<string>(() => undefined);
    });
    const fast = invokeWithTimeout('f', 5_000, () => Promise.resolve('done'));

    // Assess
    await expect(slow).rejects.toThrow('Task timed out after 0.05 seconds');
    await expect(fast).resolves.toBe('done');
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(50);
  });
});
