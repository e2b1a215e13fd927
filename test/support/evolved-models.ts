/**
 * A copy of sql/ with one model edited, as a newer version of StreamFlow would ship it: for the
 * schema migration suites (a model gains, retypes or drops a column; deploy or refresh runs again).
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SQL_DIR } from '../../lambdas/warehouse/sql-files.js';
import { tempFolder } from './files.js';

/** The one line of stg_user_events that the edits below change. */
const EVENT_TYPE_LINE = 'lower(trim(event_type)) as event_type,';

/** Edits of silver/stg_user_events, each a replacement of {@link EVENT_TYPE_LINE}. */
export const STG_USER_EVENTS_EDITS = {
  /** A new column, the case the migration applies. */
  gainsColumn: `${EVENT_TYPE_LINE}\n            upper(trim(event_type)) as event_type_code,`,
  /** An existing column whose type changes, which it refuses. */
  retypesColumn: 'length(trim(event_type)) as event_type,',
  /** An existing column that the model no longer has, which it refuses. */
  dropsColumn: '',
} as const;

/** A temporary copy of sql/ with silver/stg_user_events.sql edited; `remove` deletes it. */
export const sqlDirWithEditedUserEvents = async (replacement: string): Promise<{ path: string; remove: () => Promise<void> }> => {
  const folder = await tempFolder('evolved-sql');
  await cp(SQL_DIR, folder.path, { recursive: true });
  const file = join(folder.path, 'models', 'silver', 'stg_user_events.sql');
  const text = await readFile(file, 'utf8');
  if (!text.includes(EVENT_TYPE_LINE)) throw new Error(`stg_user_events.sql no longer has "${EVENT_TYPE_LINE}": update ${import.meta.url}`);
  await writeFile(file, text.replace(EVENT_TYPE_LINE, replacement));
  return folder;
};
