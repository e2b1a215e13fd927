/**
 * `streamflow report`: the ledger from the source's offsets to Gold, and the latest data quality
 * results: of the local twin's folder (DuckDB), or of the deployed pipeline (S3, MSK, Snowflake).
 * Both build the same report (lambdas/warehouse/ledger-report.ts); only the sources differ.
 */
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { S3ObjectStore } from '../../lambdas/shared/adapters/s3-object-store.js';
import { createSnowflakeWarehouse } from '../../lambdas/shared/adapters/snowflake-warehouse.js';
import { brokerSourceOffsets, kafkaLedgerOffsets, recordedStarts } from '../../lambdas/local/broker-source-offsets.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { readSourceOffsets } from '../../lambdas/shared/source-offsets.js';
import { ledgerReport } from '../../lambdas/local/warehouse-stage.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/deploy-variables.js';
import { bucketRemedies, buildLedgerReport, formatLedgerReport, type LedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import { kafkaConnectionFor } from '../cli/kafka-connection.js';
import { missingSnowflakeEnv, snowflakeEnv } from '../cli/snowflake-env.js';
import type { ReportFlags } from '../flags/report.js';

/** The twin's folder: "in" as its run recorded it, or (`--brokers`) the broker's now, from where the run's consumer began. */
const folderReport = async ({ outDir, brokers, group }: Extract<ReportFlags, { kind: 'folder' }>): Promise<LedgerReport> => {
  const store = new FolderObjectStore(outDir);
  const offsets = brokers && (await brokerSourceOffsets(brokers, group, recordedStarts(await readSourceOffsets(store))));
  return ledgerReport({ store, warehouseFile: join(outDir, 'warehouse.duckdb'), ...(offsets ? { source: offsets } : {}) });
};

/**
 * The deployed pipeline: the buckets through S3 (credentials, region and endpoint from the AWS
 * environment), the source's offsets and the mappings' committed ones from the cluster now, and
 * the warehouse half from Snowflake when the loader's connection settings are in the environment.
 */
const bucketReport = async ({ bucket, onFailureBucket, source, group }: Extract<ReportFlags, { kind: 'bucket' }>): Promise<LedgerReport> => {
  const s3 = new S3Client({});
  const store = new S3ObjectStore(s3, bucket);
  const onFailureStore = onFailureBucket === undefined ? undefined : new S3ObjectStore(s3, onFailureBucket);
  const { kafka, label } = await kafkaConnectionFor(source, 'streamflow-ledger');
  const offsets = await kafkaLedgerOffsets(kafka, { groupId: group, label });
  const sources = { source: offsets, remedies: bucketRemedies(bucket, onFailureBucket), ...(onFailureStore ? { onFailureStore } : {}) };
  const missing = missingSnowflakeEnv();
  try {
    if (missing.length > 0) return await buildLedgerReport(store, { notChecked: `no Snowflake connection settings (${missing.join(', ')}; set them as for \`streamflow sql deploy\`)` }, sources);
    // The names `sql deploy` deploys by default; the tables must exist (the report reads, never creates).
    const names = { database: process.env.SNOWFLAKE_DATABASE || DEFAULT_DEPLOY_VARIABLES.database, warehouse: process.env.SNOWFLAKE_WAREHOUSE || DEFAULT_DEPLOY_VARIABLES.warehouse };
    const warehouse = createSnowflakeWarehouse({ ...snowflakeEnv(names), queryTag: 'streamflow-report', logger, loadTables: [] });
    try {
      return await buildLedgerReport(store, warehouse, sources);
    } finally {
      await warehouse.close();
    }
  } finally {
    s3.destroy();
  }
};

export const reportCommand = async (flags: ReportFlags): Promise<number> => {
  const report = flags.kind === 'folder' ? await folderReport(flags) : await bucketReport(flags);
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
  return report.nothingLost ? 0 : 1;
};
