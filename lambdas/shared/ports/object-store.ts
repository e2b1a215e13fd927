/** Port: the bucket. S3 in AWS, a folder in the local twin; business logic sees only this. */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /**
   * The version tag S3 reports, the loader's skip key. Hex MD5 for the folder and for plain or
   * SSE-S3 single-part uploads; opaque under SSE-KMS (the stack's bucket): not an MD5, and not
   * promised to repeat for identical bytes, so a rewritten file may reload (replacing its rows).
   */
  readonly etag: string;
  /**
   * When the object was last written (S3's LastModified; the file's mtime in a folder): one clock
   * for every version of a key, the store's, which Snowpipe mode orders a key's versions by.
   */
  readonly lastModified: Date;
}

export interface ObjectStore {
  /** Writes the whole object; an existing object under the same key is replaced. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Reads the whole object, or `undefined` if there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Lists objects whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<StoredObject[]>;
}

/** Keys are built by our own code from validated parts; this guards the adapters all the same. */
export const assertSafeKey = (key: string): void => {
  if (key === '' || key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new Error(`Unsafe object key "${key}": keys are relative, without empty, "." or ".." segments`);
  }
};
