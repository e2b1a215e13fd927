/**
 * A full garbage collection, for the points where `streamflow run` hands the machine to DuckDB.
 *
 * Ingestion leaves ~110 MB of dead JavaScript heap and ~100 MB of dead buffers on the main thread,
 * and the load another ~55 MB of file buffers; DuckDB then works for seconds while this thread
 * allocates almost nothing, so V8 never collects them and they sit under DuckDB's own peak
 * (1M events, 2026-12-02: peak RSS 876-907 MB without; 713-792 MB in four runs with a collection
 * before the load and one before the refresh, each ~0.1 s).
 * Node exposes `gc` only under `--expose-gc`, which `npm start`, `npx streamflow` and the tests
 * cannot all pass; the flag is set at run time instead and the function read from a fresh context,
 * as jest's leak detector does (jest-leak-detector's index.ts). It applies to this process only.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export const collectGarbage = (): void => {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
};
