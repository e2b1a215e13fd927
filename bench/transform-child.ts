/**
 * The transform bench alone in a fresh process, started by bench/run.ts: the handler's figures
 * must not depend on the heap the earlier sections left in the bench's own process. After the
 * freshness stream, in the same process, the handler took 515 ms on the batches a fresh process
 * did in 463 ms, while DuckDB took 489 and 483 (2026-12-02). Prints the result as JSON on stdout.
 *
 * Usage: node --import tsx bench/transform-child.ts [--quick]
 */
import './quiet-powertools.js';
import { benchTransform } from './transform.js';

const result = await benchTransform({ quick: process.argv.includes('--quick'), log: (line) => console.error(`bench: ${line}`) });
process.stdout.write(JSON.stringify(result));
