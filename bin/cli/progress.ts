/**
 * Progress on stderr: a redrawn bar on a terminal, a line every 10 % otherwise (CI logs),
 * so stdout stays clean for the summary and `--json` output.
 */
const WIDTH = 28;

export interface Progress {
  update(done: number): void;
  finish(): void;
}

export const progressBar = (label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress => {
  const started = performance.now();
  let lastDecile = -1;
  const render = (done: number): string => {
    // Without a known total (a replay file), show the count and rate only.
    if (total <= 0) {
      const rate = Math.round(done / Math.max((performance.now() - started) / 1000, 1e-3));
      return `${label} ${done.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s)`;
    }
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * WIDTH);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s)`;
  };
  return {
    update(done) {
      if (stream.isTTY) {
        stream.write(`\r${render(done)}`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${render(done)}\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
};
