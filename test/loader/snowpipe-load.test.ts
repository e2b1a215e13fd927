/**
 * The loader in snowpipe mode, at the pipe-ingest port (a recording stand-in for PUT + insertFiles;
 * the PUT itself runs against fakesnow in test/emulators/fakesnow/snowpipe-path.test.ts and the
 * REST call against an HTTP stand-in in test/shared/adapters/snowpipe-rest.test.ts): which paths it
 * stages and submits, that a file version always gets the same path, what the manifest records,
 * and that a queued load runs no warehouse statement at all.
 */
import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import type { PipeIngest } from '../../lambdas/shared/ports/pipe-ingest.js';
import type { TableName, Warehouse } from '../../lambdas/shared/ports/warehouse.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { tempFolder } from '../support/files.js';
import { consumeBatch, userEvent, writeStandardScenario } from '../support/warehouse-fixtures.js';

interface Staged {
  readonly table: string;
  readonly path: string;
  readonly bytes: string;
}

/** Records what the loader stages and submits, per pipe's table. */
const recordingPipes = () => {
  const staged: Staged[] = [];
  const submitted: { table: string; paths: string[] }[] = [];
  const name = (table: TableName) => `${table.schema}.${table.name}`;
  const pipes: PipeIngest = {
    stage: (table, path, bytes) => {
      staged.push({ table: name(table), path, bytes: Buffer.from(bytes).toString('latin1') });
      return Promise.resolve();
    },
    submit: (table, paths) => {
      submitted.push({ table: name(table), paths: [...paths] });
      return Promise.resolve();
    },
  };
  return { pipes, staged, submitted };
};

/** A warehouse any statement on fails the test: the queued path must not wake one. */
const noWarehouse = new Proxy({} as Warehouse, {
  get: (_, property) => {
    if (property === 'then') return undefined;
    return () => {
      throw new Error(`the snowpipe load path ran a warehouse statement (${String(property)})`);
    };
  },
});

let bucket: Awaited<ReturnType<typeof tempFolder>>;
let store: FolderObjectStore;

beforeEach(async () => {
  bucket = await tempFolder('snowpipe-load');
  store = new FolderObjectStore(bucket.path);
  await writeStandardScenario(store);
});

afterEach(async () => {
  await bucket.remove();
});

const queued = async () => {
  const objects = (await store.list('gold/')).map((object, index) => ({ messageId: `m-${index}`, key: object.key }));
  return { kind: 'objects' as const, objects, unreadable: [] };
};

describe('the loader in snowpipe mode, at the pipe-ingest port (recording stand-in)', () => {
  it('stages each queued file under <version folder>/<key>/<file name>, submits them to their table’s pipe, then a manifest, with no warehouse statement', async () => {
    // Prepare
    const { pipes, staged, submitted } = recordingPipes();

    // Act
    const summary = await runLoader(await queued(), { store, warehouse: noWarehouse, logger, pipes });

    // Assess: every gold file submitted once, to its own table's pipe, data before manifest
    const gold = (await store.list('gold/')).map((object) => object.key);
    expect(summary.loaded).toBe(gold.length);
    const dataPaths = submitted.filter((submission) => submission.table !== 'bronze.load_manifest').flatMap((submission) => submission.paths);
    expect(dataPaths.map((path) => path.replace(/^[0-9a-f]{16}\//, '').replace(/\/[^/]+$/, '')).sort()).toEqual([...gold].sort());
    expect(submitted.map((submission) => submission.table)).toEqual(['bronze.raw_transactions', 'bronze.load_manifest', 'bronze.raw_user_events', 'bronze.load_manifest']);
    for (const path of dataPaths) expect(staged.find((file) => file.path === path)?.bytes.length).toBeGreaterThan(0);

    // Assess: the manifest records each file with the rows the loader counted
    const manifests = staged.filter((file) => file.table === 'bronze.load_manifest');
    expect(manifests).toHaveLength(gold.length);
    const userEvents = manifests.find((file) => file.path.includes('/gold/user_events/') && file.path.includes('+0+0-'))!;
    expect(userEvents.path).toMatch(/^[0-9a-f]{16}\/gold\/user_events\/dt=[^/]+\/user_events\+0\+0-3\.csv\.gz\/manifest\.csv$/);
    expect(userEvents.bytes.split('\n')[0]).toBe('file_key,etag,target_table,status,rows_parsed,rows_loaded,errors_seen,first_error,submitted_at,last_modified');
    expect(userEvents.bytes).toMatch(/\ngold\/user_events\/[^,]+,[^,]+,bronze\.raw_user_events,loaded,3,3,0,,20\d\d-/);
    // …and when the bucket wrote it, which orders the key's versions
    const written = (await store.list('gold/')).find((object) => userEvents.path.includes(`/${object.key}/`))!;
    expect(userEvents.bytes.trimEnd().split(',').at(-1)).toBe(written.lastModified.toISOString());
  });

  it('submits the same path when the same file version comes again (another loader, a redelivered event), a new path for a new version', async () => {
    // Prepare
    const first = recordingPipes();
    const second = recordingPipes();
    const third = recordingPipes();
    const key = (await store.list('gold/user_events/'))[0]!.key;
    const pathsOf = (recorded: ReturnType<typeof recordingPipes>) =>
      recorded.submitted.filter((submission) => submission.table === 'bronze.raw_user_events').flatMap((submission) => submission.paths).filter((path) => path.includes(key));

    // Act: two loads of the same version, then the key overwritten with new content
    await runLoader(await queued(), { store, warehouse: noWarehouse, logger, pipes: first.pipes });
    await runLoader(await queued(), { store, warehouse: noWarehouse, logger, pipes: second.pipes });
    // the same batch (same key: partition 0, offsets 0-3) consumed again with other content
    await consumeBatch(store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0), userEvent('E-9', 1), userEvent('E-10', 1)]);
    await runLoader(await queued(), { store, warehouse: noWarehouse, logger, pipes: third.pipes });

    // Assess
    expect(pathsOf(first)).toHaveLength(1);
    expect(pathsOf(second)).toEqual(pathsOf(first));
    expect(pathsOf(third)).toHaveLength(1);
    expect(pathsOf(third)).not.toEqual(pathsOf(first));
  });
});
