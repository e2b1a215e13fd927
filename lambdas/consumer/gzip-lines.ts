/**
 * A file's lines gzipped as they are written. Lines are encoded straight into chunks of bytes and
 * each full chunk goes to zlib, which compresses on libuv's thread pool: compression runs beside
 * the transform instead of after it, and a batch's text never exists whole in memory, only its
 * compressed bytes.
 */
import { createGzip, type Gzip } from 'node:zlib';
import type { LineSink } from './transform-batch.js';

/** Bytes gathered before a chunk goes to zlib: large enough that each hand-over is cheap. */
const CHUNK_BYTES = 256 * 1024;
/** A UTF-16 code unit takes at most 3 bytes of UTF-8: room for `3 * length` is room for the line. */
const MAX_UTF8_BYTES_PER_UNIT = 3;
const LINE_FEED = 0x0a;

export class GzipLines implements LineSink {
  private readonly gzip: Gzip;
  private readonly compressed: Buffer[] = [];
  private readonly finished: Promise<Buffer>;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

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

  /**
   * Encodes the line into the current chunk: one copy of its bytes, where concatenating lines into
   * a string for zlib to encode cost a flattening copy and a second pass.
   */
  line(text: string): void {
    const room = text.length * MAX_UTF8_BYTES_PER_UNIT + 1;
    if (this.used + room > this.chunk.length) {
      this.flush();
      if (room > this.chunk.length) {
        this.gzip.write(`${text}\n`);
        return;
      }
    }
    this.used += this.chunk.write(text, this.used);
    this.chunk[this.used++] = LINE_FEED;
  }

  /** Ends the file; resolves to its gzip bytes. */
  end(): Promise<Buffer> {
    this.gzip.end(this.chunk.subarray(0, this.used));
    return this.finished;
  }

  /** Hands the chunk to zlib, which reads it later on its own thread: the next lines go to a new one. */
  private flush(): void {
    if (this.used === 0) return;
    this.gzip.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }
}
