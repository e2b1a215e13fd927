import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLoaderHandler } from '../../lambdas/loader/make-handler.js';
import { scheduledTick } from '../../lambdas/loader/loader-request.js';
import { logger, metrics } from '../../lambdas/shared/powertools.js';
import { lambdaContext } from '../support/lambda-context.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;

beforeEach(async () => {
  fixture = await openWarehouseFixture('loader-handler');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fixture.close();
});

describe('makeLoaderHandler', () => {
  it('loads what a schedule tick finds pending and publishes load metrics', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const handler = makeLoaderHandler({ store: fixture.store, warehouse: fixture.warehouse, logger, metrics });

    // Act
    const summary = await handler(scheduledTick(), lambdaContext('streamflow-loader'));

    // Assess
    expect(summary).toMatchObject({ request: { kind: 'pending' }, loaded: 6, skipped: 0, failed: 0 });
    expect(addMetric).toHaveBeenCalledWith('FilesLoaded', 'Count', 6);
    expect(addMetric).toHaveBeenCalledWith('FilesFailed', 'Count', 0);
    expect(addMetric).toHaveBeenCalledWith('RowsLoaded', 'Count', 3011);
  });

  it('fails an invocation it cannot understand, so the event goes to the retry / DLQ path', async () => {
    // Prepare
    const handler = makeLoaderHandler({ store: fixture.store, warehouse: fixture.warehouse, logger, metrics });

    // Act + Assess
    await expect(handler({ reload: '' }, lambdaContext('streamflow-loader'))).rejects.toThrow(/The loader accepts/);
  });
});
