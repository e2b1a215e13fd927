/**
 * Counts what a local run wrote by reading its folder directly (no object-store port, no ledger
 * module): landing and quarantine lines and gold CSV rows, per topic.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsvTable } from './csv-parser.js';

export interface TopicFiles {
  landing: number;
  gold: number;
  quarantine: number;
}

/** Relative paths of the files under `dir/prefix`, sorted; none when the folder is absent. */
export const filesUnder = async (dir: string, prefix: string): Promise<string[]> => {
  try {
    const entries = await readdir(join(dir, prefix), { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

export const gunzipFile = async (dir: string, path: string): Promise<string> => gunzipSync(await readFile(join(dir, path))).toString('utf8');

/** Non-empty lines of an NDJSON text. */
export const linesOf = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/** Per topic (the folder under each prefix): landing lines, gold rows, quarantine lines. */
export const countRunFiles = async (dir: string): Promise<Record<string, TopicFiles>> => {
  const counts: Record<string, TopicFiles> = {};
  const topic = (path: string): TopicFiles => (counts[path.split('/')[1]!] ??= { landing: 0, gold: 0, quarantine: 0 });
  for (const path of await filesUnder(dir, 'landing')) topic(path).landing += linesOf(await gunzipFile(dir, path)).length;
  for (const path of await filesUnder(dir, 'quarantine')) topic(path).quarantine += linesOf(await gunzipFile(dir, path)).length;
  // Gold folders are named after their tables, which are named after their topics.
  for (const path of await filesUnder(dir, 'gold')) topic(path).gold += parseCsvTable(await gunzipFile(dir, path)).rows.length;
  return counts;
};
