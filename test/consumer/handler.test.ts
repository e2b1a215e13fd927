import '../support/quiet-powertools.js';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The SDK warns once per process that its 2027 releases need Node 22; tests run on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** Loads the Lambda entry point afresh, so it reads the environment as a new container would. */
const loadHandlerModule = async () => {
  vi.resetModules();
  return import('../../lambdas/consumer/handler.js');
};

describe('consumer Lambda entry point (handler.ts)', () => {
  it('refuses to load without BUCKET_NAME, naming the variable', async () => {
    // Prepare
    vi.stubEnv('BUCKET_NAME', '');

    // Act
    const loading = loadHandlerModule();

    // Assess
    await expect(loading).rejects.toThrow(/BUCKET_NAME/);
  });
});
