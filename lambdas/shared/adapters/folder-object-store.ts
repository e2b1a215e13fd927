import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { assertSafeKey, type ObjectStore, type StoredObject } from '../ports/object-store.js';

/** No object there: nothing at the path, a folder (a key prefix), or a file in the way (S3 has none of these). */
const isMissing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Object store on a local folder (the local twin's bucket). Writes go to a temporary file and
 * are renamed into place, so a reader never sees half an object, as with S3.
 */
export class FolderObjectStore implements ObjectStore {
  constructor(readonly root: string) {}

  async put(key: string, body: Uint8Array, _contentType: string): Promise<void> {
    assertSafeKey(key);
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.partial`;
    await writeFile(temporary, body);
    await rename(temporary, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertSafeKey(key);
    try {
      return await readFile(join(this.root, key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    if (prefix.split('/').some((part) => part === '..' || part === '.')) throw new Error(`Unsafe prefix "${prefix}"`);
    // Start from the deepest folder the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    let entries: string[];
    try {
      entries = await readdir(join(this.root, folder), { recursive: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const objects: StoredObject[] = [];
    for (const entry of entries) {
      const key = join(folder, entry).split(sep).join('/');
      if (!key.startsWith(prefix) || key.endsWith('.partial')) continue;
      let body: Buffer;
      let lastModified: Date;
      try {
        body = await readFile(join(this.root, key));
        lastModified = (await stat(join(this.root, key))).mtime;
      } catch (error) {
        // A folder, or a file removed since the listing: neither is an object.
        if (isMissing(error)) continue;
        throw error;
      }
      objects.push({ key, size: body.length, etag: createHash('md5').update(body).digest('hex'), lastModified });
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Absolute path of an object, for messages that point a person at a file. */
  pathOf(key: string): string {
    return relative(process.cwd(), join(this.root, key)) || '.';
  }
}
