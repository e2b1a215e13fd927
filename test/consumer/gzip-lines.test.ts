import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipLines } from '../../lambdas/consumer/gzip-lines.js';

const gzipText = async (lines: readonly string[]): Promise<string> => {
  const sink = new GzipLines(1);
  for (const line of lines) sink.line(line);
  return gunzipSync(await sink.end()).toString('utf8');
};

/** What the file must hold: every line followed by a line break, encoded as Buffer.from encodes text. */
const expectedText = (lines: readonly string[]): string => Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8').toString('utf8');

describe('GzipLines', () => {
  it('writes an empty file when no line came', async () => {
    expect(await gzipText([])).toBe('');
  });

  it('keeps multi-byte text whole across chunk boundaries and lines longer than a chunk', async () => {
    // Prepare: enough 3- and 4-byte characters to fill several 256 KiB chunks, one line of 300,000 units.
    const lines = [...Array.from({ length: 4_000 }, (_, n) => `€${n} 😀 ${'ä'.repeat(n % 97)}`), 'x'.repeat(300_000), 'after'];
    // Act
    const text = await gzipText(lines);
    // Assess
    expect(text).toBe(expectedText(lines));
  });

  it('starts a new chunk for a line whose characters fit in the chunk but whose bytes do not', async () => {
    // Prepare: 262,000 bytes of ASCII lines, then 100 three-byte characters (300 bytes) where 144 of a 256 KiB chunk are left.
    const lines = [...Array.from({ length: 262 }, () => 'x'.repeat(999)), '€'.repeat(100)];
    // Act
    const text = await gzipText(lines);
    // Assess
    expect(text).toBe(expectedText(lines));
  });

  it('holds any lines, byte for byte what their UTF-8 encoding is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 2_000 }), { maxLength: 400 }), async (lines) => {
        expect(await gzipText(lines)).toBe(expectedText(lines));
      }),
      { numRuns: 60 },
    );
  });
});
