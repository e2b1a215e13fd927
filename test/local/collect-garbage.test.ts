import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../lambdas/local/collect-garbage.js';

/** A 32 MB object nothing refers to once this returns, watched through a weak reference. */
const abandonedBuffer = (): WeakRef<ArrayBuffer> => new WeakRef(new ArrayBuffer(32 * 1024 * 1024));

describe('collectGarbage', () => {
  it('frees an object nothing refers to, each time it is called', async () => {
    for (let call = 0; call < 2; call++) {
      const watched = abandonedBuffer();
      expect(watched.deref()).toBeDefined();
      // A weak target stays alive until the job that created or read it ends (ECMAScript's KeepDuringJob).
      await new Promise(setImmediate);
      collectGarbage();
      expect(watched.deref()).toBeUndefined();
    }
  });

  it('keeps what is still referenced', async () => {
    const kept = new ArrayBuffer(1024);
    const watched = new WeakRef(kept);
    await new Promise(setImmediate);
    collectGarbage();
    expect(watched.deref()).toBe(kept);
  });
});
