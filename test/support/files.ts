/** Small helpers for reading what the consumer wrote: temp folders, gzip and NDJSON. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';

/** A fresh temporary folder and the function that removes it. */
export const tempFolder = async (label: string): Promise<{ path: string; remove: () => Promise<void> }> => {
  const path = await mkdtemp(join(tmpdir(), `streamflow-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
};

export const gunzipText = (body: Uint8Array): string => gunzipSync(body).toString('utf8');

/** The lines of NDJSON text (which ends with a newline), each parsed. */
export const ndjsonLines = (text: string): unknown[] => {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('NDJSON text must end with a newline');
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
};

/** Every object of the store with its bytes, by key. */
export const snapshotStore = async (store: ObjectStore, prefix = ''): Promise<Map<string, Buffer>> => {
  const snapshot = new Map<string, Buffer>();
  for (const object of await store.list(prefix)) {
    const body = await store.get(object.key);
    if (body === undefined) throw new Error(`listed object ${object.key} cannot be read`);
    snapshot.set(object.key, Buffer.from(body));
  }
  return snapshot;
};
