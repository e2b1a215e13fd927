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

  it('publishes on each schedule tick how many error-severity checks of the latest run found violations', async () => {
    // Prepare: an older run with a failing error check, a newer one where only warnings and passes remain.
    await fixture.warehouse.execute(
      `insert into gold.dq_results values
        ('run-1', '2026-01-01T00:00:00Z', 'silver_user_events_unique', 'silver', 'error', 'dupes', 4),
        ('run-2', '2026-01-02T00:00:00Z', 'silver_user_events_unique', 'silver', 'error', 'dupes', 2),
        ('run-2', '2026-01-02T00:00:00Z', 'gold_facts_keys_resolve', 'gold', 'error', 'keys', 0),
        ('run-2', '2026-01-02T00:00:00Z', 'quarantine_unknown_ids', 'bronze', 'warn', 'unknown ids', 9)`,
    );
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const handler = makeLoaderHandler({ store: fixture.store, warehouse: fixture.warehouse, logger, metrics });

    // Act
    await handler(scheduledTick(), lambdaContext('streamflow-loader'));
    await handler({ reload: 'gold/', force: false }, lambdaContext('streamflow-loader'));

    // Assess: one failing error check in the latest run; warnings do not count; a reload publishes nothing.
    const published = addMetric.mock.calls.filter(([name]) => name === 'DataQualityFailures');
    expect(published).toEqual([['DataQualityFailures', 'Count', 1]]);
  });

  it('fails an invocation it cannot understand, so the event goes to the retry / DLQ path', async () => {
    // Prepare
    const handler = makeLoaderHandler({ store: fixture.store, warehouse: fixture.warehouse, logger, metrics });

    // Act + Assess
    await expect(handler({ reload: '' }, lambdaContext('streamflow-loader'))).rejects.toThrow(/The loader accepts/);
  });
});
