import { describe, expect, it } from 'vitest';
import { progressBar } from '../../bin/cli/progress.js';

/** A stand-in for stderr that records what is written. */
const recordingStream = (isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } => {
  const written: string[] = [];
  const stream = { isTTY, write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
};

describe('progressBar', () => {
  it('writes one line per tenth of the work when not on a terminal (CI logs)', () => {
    // Prepare
    const { stream, written } = recordingStream(false);
    const progress = progressBar('ingesting ', 1_000, stream);

    // Act
    for (let done = 0; done <= 1_000; done += 50) progress.update(done);
    progress.finish();

    // Assess
    expect(written).toHaveLength(11);
    expect(written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(written.at(-1)).toMatch(/^ingesting {2}\[#{28}\] 100% 1,000\/1,000 \(/);
  });

  it('redraws one line on a terminal and ends it on finish', () => {
    // Prepare
    const { stream, written } = recordingStream(true);
    const progress = progressBar('ingesting ', 200, stream);

    // Act
    progress.update(50);
    progress.update(100);
    progress.finish();

    // Assess
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\ringesting {2}\[#{7}\.{21}\] {2}25% 50\/200/);
    expect(written[1]).toMatch(/^\r.* 50% 100\/200/);
    expect(written[2]).toBe('\n');
  });

  it('shows the count without a bar or a total when the total is unknown (a replay)', () => {
    // Prepare
    const { stream, written } = recordingStream(false);
    const progress = progressBar('replaying ', 0, stream);

    // Act
    progress.update(17);

    // Assess
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^replaying {2}17 \(/);
    expect(written[0]).not.toMatch(/NaN|Infinity|\/0|\[/);
  });
});
