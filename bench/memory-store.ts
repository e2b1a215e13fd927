/**
 * An object store in memory, for timing the consumer without the disk: it keeps what is written
 * (as S3 holds a body until its upload ends) so results can be checked, and forgets on `clear`.
 */
import type { ObjectStore, StoredObject } from '../lambdas/shared/ports/object-store.js';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  private readonly written = new Map<string, Date>();

  put(key: string, body: Uint8Array, _contentType: string): Promise<void> {
    this.objects.set(key, body);
    this.written.set(key, new Date());
    return Promise.resolve();
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.objects.get(key));
  }

  list(prefix: string): Promise<StoredObject[]> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    return Promise.resolve(keys.map((key) => ({ key, size: this.objects.get(key)!.byteLength, etag: '', lastModified: this.written.get(key)! })));
  }

  /** Drops every object under `prefix`. */
  clear(prefix: string): void {
    for (const key of this.objects.keys()) {
      if (!key.startsWith(prefix)) continue;
      this.objects.delete(key);
      this.written.delete(key);
    }
  }
}
