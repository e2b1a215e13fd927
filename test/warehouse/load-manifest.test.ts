import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlTableDdl } from '../../lambdas/warehouse/control-tables.js';
import { LOAD_MANIFEST, manifestCsv, manifestUpkeepStatements, versionFolderFor } from '../../lambdas/warehouse/load-manifest.js';
import { openWarehouseFixture, type WarehouseFixture } from '../support/warehouse-fixtures.js';

const KEY = 'gold/user_events/dt=2026-01-01/user_events+0+0-1.csv.gz';

let fixture: WarehouseFixture;

beforeEach(async () => {
  fixture = await openWarehouseFixture('load-manifest');
  await fixture.warehouse.execute(controlTableDdl(LOAD_MANIFEST, fixture.warehouse.columnTypes));
});

afterEach(async () => {
  await fixture.close();
});

/** The version folder the loader stages a version of {@link KEY} under, which its pipes write to `_source_version`. */
const folderOf = (etag: string): string => versionFolderFor(KEY, etag);

/** A Bronze row as the pipe loads it (the key, its version folder, the pipe's scan time), or as copy mode does (no version). */
const pipeLoads = (eventId: string, etag: string | null, loadedAt: string) =>
  fixture.warehouse.execute(
    'insert into bronze.raw_user_events (event_id, _source_file, _source_row_number, _loaded_at, _source_version) values (?, ?, 1, cast(? as timestamp), ?)',
    [eventId, KEY, loadedAt, etag === null ? null : folderOf(etag)],
  );

/** A manifest row as its pipe loads it; the object was written `lastModified` (by default when it was submitted). */
const submitted = (etag: string, at: string, status = 'loaded', lastModified = at) =>
  fixture.warehouse.execute(
    "insert into bronze.load_manifest (file_key, etag, target_table, status, rows_parsed, rows_loaded, errors_seen, submitted_at, last_modified, _source_version) values (?, ?, 'bronze.raw_user_events', ?, 1, 1, 0, cast(? as timestamp), cast(? as timestamp), ?)",
    [KEY, etag, status, at, lastModified, folderOf(etag)],
  );

/**
 * The upkeep over every row, or (as the task reads its streams) over the manifest rows of one
 * version only and the Bronze rows loaded at or after `bronzeSince`.
 */
const upkeep = (onlyEtag?: string, bronzeSince?: string) =>
  fixture.warehouse.transaction(async (session) => {
    const manifest = onlyEtag === undefined ? undefined : `(select * from bronze.load_manifest where etag = '${onlyEtag}')`;
    const bronze = (table: string) => (bronzeSince === undefined ? table : `(select * from ${table} where _loaded_at >= timestamp '${bronzeSince}')`);
    for (const statement of manifestUpkeepStatements(manifest, bronze)) await session.execute(statement);
  });

const eventIds = async () => (await fixture.warehouse.query<{ event_id: string }>('select event_id from bronze.raw_user_events order by event_id')).map((row) => row.event_id);

describe('the manifest upkeep step of Snowpipe mode, on DuckDB', () => {
  it('keeps only the new version’s Bronze rows after a key is reloaded with new content', async () => {
    // Prepare: version 1 submitted and loaded; later version 2 submitted (twice: a retry) and loaded
    await submitted('"v1"', '2026-01-01 00:00:00');
    await pipeLoads('e-old', '"v1"', '2026-01-01 00:00:20');
    await submitted('"v2"', '2026-01-01 01:00:00');
    await submitted('"v2"', '2026-01-01 01:15:00');
    await pipeLoads('e-new', '"v2"', '2026-01-01 01:00:30');

    // Act
    await upkeep();
    await upkeep();

    // Assess: the old version's row is gone, the new one stays (a resubmission is no new version); both versions are in the history
    expect(await fixture.warehouse.query('select event_id from bronze.raw_user_events')).toEqual([{ event_id: 'e-new' }]);
    const history = await fixture.warehouse.query('select etag, status, rows_loaded, lease_expires_at from bronze.load_history order by etag');
    expect(history).toEqual([
      { etag: '"v1"', status: 'loaded', rows_loaded: 1, lease_expires_at: null },
      { etag: '"v2"', status: 'loaded', rows_loaded: 1, lease_expires_at: null },
    ]);
  });

  it('does the same when each run sees only the manifest rows that arrived since the last (the stream)', async () => {
    // Prepare + Act: version 1 and its run, then version 2 and its run
    await submitted('"v1"', '2026-01-01 00:00:00');
    await pipeLoads('e-old', '"v1"', '2026-01-01 00:00:20');
    await upkeep('"v1"', '2026-01-01 00:00:00');
    await submitted('"v2"', '2026-01-01 01:00:00');
    await pipeLoads('e-new', '"v2"', '2026-01-01 01:00:30');
    await upkeep('"v2"', '2026-01-01 01:00:00');

    // Assess
    expect(await fixture.warehouse.query('select event_id from bronze.raw_user_events')).toEqual([{ event_id: 'e-new' }]);
    expect(await fixture.warehouse.query('select count(*)::int as n from bronze.load_history')).toEqual([{ n: 2 }]);
  });

  it('keeps a version’s rows that loaded before its manifest arrived, and then removes only the earlier version’s', async () => {
    // Prepare: version 1 loaded and recorded; version 2's rows load, its manifest lands later
    // (a 429 on the manifest pipe, a retry on the next tick) dated after its rows' scan time
    await submitted('"v1"', '2026-01-01 00:00:00');
    await pipeLoads('e-old', '"v1"', '2026-01-01 00:00:20');
    await upkeep('"v1"', '2026-01-01 00:00:00');
    await pipeLoads('e-new', '"v2"', '2026-01-01 01:00:30');

    // Act: a run triggered by the Bronze rows alone, then the one the late manifest triggers
    await upkeep('"none yet"', '2026-01-01 01:00:30');
    const beforeManifest = await eventIds();
    await submitted('"v2"', '2026-01-01 01:20:00');
    await upkeep('"v2"', '2026-01-01 01:20:00');

    // Assess: nothing of version 2 is ever deleted; version 1 goes once version 2 is known
    expect(beforeManifest).toEqual(['e-new', 'e-old']);
    expect(await eventIds()).toEqual(['e-new']);
  });

  it('orders a key’s versions by when the bucket wrote them, not by when each loader submitted them', async () => {
    // Prepare: a tick listed version 1 and reached its table late; meanwhile version 2 was written
    // and an S3-event loader submitted it first
    await submitted('"v2"', '2026-01-01 10:00:16', 'loaded', '2026-01-01 10:00:05');
    await submitted('"v1"', '2026-01-01 10:00:30', 'loaded', '2026-01-01 10:00:00');
    await pipeLoads('e-new', '"v2"', '2026-01-01 10:00:40');
    await pipeLoads('e-old', '"v1"', '2026-01-01 10:00:50');

    // Act
    await upkeep();

    // Assess
    expect(await eventIds()).toEqual(['e-new']);
  });

  it('removes a key’s copy-mode rows (no version) once the key has a version loaded in snowpipe mode', async () => {
    // Prepare: loaded in copy mode, then the deployment switched to snowpipe and the key was reloaded
    await pipeLoads('e-copy', null, '2026-01-01 00:00:20');
    await submitted('"v2"', '2026-01-01 01:00:00');
    await pipeLoads('e-pipe', '"v2"', '2026-01-01 01:00:30');

    // Act
    await upkeep('"v2"', '2026-01-01 01:00:00');

    // Assess
    expect(await eventIds()).toEqual(['e-pipe']);
  });

  it('removes an earlier version’s rows that the pipe loaded after a later version’s, on the run those rows trigger', async () => {
    // Prepare: versions 1 and 2 submitted in that order; version 2 loads and its run passes
    await submitted('"v1"', '2026-01-01 00:00:00');
    await submitted('"v2"', '2026-01-01 00:05:00');
    await pipeLoads('e-new', '"v2"', '2026-01-01 00:05:20');
    await upkeep(undefined, '2026-01-01 00:00:00');

    // Act: version 1's queued file loads late; the next run sees only that Bronze row arrive
    await pipeLoads('e-old', '"v1"', '2026-01-01 00:09:00');
    await upkeep('"none new"', '2026-01-01 00:09:00');

    // Assess
    expect(await eventIds()).toEqual(['e-new']);
  });

  it('keeps a key’s rows when only its one version was submitted, and records a rejected version as failed', async () => {
    await submitted('"v1"', '2026-01-01 00:00:00');
    await pipeLoads('e-1', '"v1"', '2026-01-01 00:00:20');
    await submitted('"bad"', '2026-01-01 02:00:00', 'failed');

    await upkeep();

    expect(await fixture.warehouse.query('select event_id from bronze.raw_user_events')).toEqual([{ event_id: 'e-1' }]);
    expect(await fixture.warehouse.query("select status from bronze.load_history where etag = '\"bad\"'")).toEqual([{ status: 'failed' }]);
  });
});

describe('manifest files and version folders', () => {
  it('writes a header line and one CSV line per entry, and names one folder per (key, ETag)', () => {
    const csv = manifestCsv([
      { key: KEY, etag: '"v1"', table: 'bronze.raw_user_events', status: 'failed', rowsParsed: null, rowsLoaded: null, errorsSeen: null, firstError: 'bad, "quoted"', submittedAt: new Date('2026-01-01T00:00:00Z'), lastModified: new Date('2025-12-31T23:59:58Z') },
    ]);
    expect(csv).toBe(
      'file_key,etag,target_table,status,rows_parsed,rows_loaded,errors_seen,first_error,submitted_at,last_modified\n' +
        `${KEY},"""v1""",bronze.raw_user_events,failed,,,,"bad, ""quoted""",2026-01-01T00:00:00.000Z,2025-12-31T23:59:58.000Z\n`,
    );
    expect(versionFolderFor(KEY, '"v1"')).toMatch(/^[0-9a-f]{16}$/);
    expect(versionFolderFor(KEY, '"v1"')).toBe(versionFolderFor(KEY, '"v1"'));
    expect(versionFolderFor(KEY, '"v2"')).not.toBe(versionFolderFor(KEY, '"v1"'));
  });
});
