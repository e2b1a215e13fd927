/**
 * A file's lines gzipped as they are written. Lines are gathered into chunks and each chunk goes
 * to zlib, which compresses on libuv's thread pool: compression runs beside the transform instead
 * of after it, and a batch's text never exists whole in memory, only its compressed bytes.
 */
import { createGzip, type Gzip } from 'node:zlib';
import type { LineSink } from './transform-batch.js';

/** Characters gathered before a chunk goes to zlib: large enough that each hand-over is cheap. */
const CHUNK_CHARS = 128 * 1024;

export class GzipLines implements LineSink {
  private readonly gzip: Gzip;
  private readonly compressed: Buffer[] = [];
  private readonly finished: Promise<Buffer>;
  private pending = '';

  constructor(level: number) {
    this.gzip = createGzip({ level });
    this.gzip.on('data', (chunk: Buffer) => this.compressed.push(chunk));
    this.finished = new Promise((resolve, reject) => {
      this.gzip.on('end', () => resolve(Buffer.concat(this.compressed)));
      this.gzip.on('error', reject);
    });
    // Settled by whoever awaits `end()`; never an unhandled rejection before that.
    this.finished.catch(() => undefined);
  }

  line(text: string): void {
    this.pending += text;
    this.pending += '\n';
    if (this.pending.length >= CHUNK_CHARS) {
      this.gzip.write(this.pending);
      this.pending = '';
    }
  }

  /** Ends the file; resolves to its gzip bytes. */
  end(): Promise<Buffer> {
    this.gzip.end(this.pending);
    this.pending = '';
    return this.finished;
  }
}
