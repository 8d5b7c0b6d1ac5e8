/**
 * A progress bar on a terminal (one line, redrawn), or a line every tenth of the way when output is a file or a
 * pipe (CI logs stay readable). Writes to stderr so that stdout stays for results.
 */
export class Progress {
  private readonly label: string;
  /** 0: not known beforehand (a file read as it streams); progress then shows the count and the rate. */
  private readonly total: number;
  private readonly started = performance.now();
  /** The last tenth of the way reported (or, without a total, the last 100,000th event). */
  private lastStep = -1;
  private lastDraw = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(label: string, total: number) {
    this.label = label;
    this.total = Math.max(0, total);
  }

  update(done: number): void {
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? Math.round(done / elapsed) : 0;
    if (this.total === 0) return this.count(done, rate);
    const fraction = Math.min(1, done / this.total);
    // Floored: 5,000 of 5,001 is 99%, not a rounded 100% before the end.
    const percent = Math.floor(fraction * 100);
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${rate.toLocaleString('en-US')}/s `,
      );
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.lastStep) {
      this.lastStep = tenth;
      process.stderr.write(`${this.label}: ${percent}% (${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}, ${rate.toLocaleString('en-US')}/s)\n`);
    }
  }

  /** Progress without a known total: the count so far, redrawn on a terminal, a line every 100,000 otherwise. */
  private count(done: number, rate: number): void {
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      process.stderr.write(`\r${this.label}: ${done.toLocaleString('en-US')} ${rate.toLocaleString('en-US')}/s `);
      return;
    }
    const step = Math.floor(done / 100_000);
    if (step > this.lastStep) {
      this.lastStep = step;
      process.stderr.write(`${this.label}: ${done.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s)\n`);
    }
  }

  done(summary?: string): void {
    const elapsed = (performance.now() - this.started) / 1000;
    if (this.tty) process.stderr.write('\n');
    process.stderr.write(`${this.label}: done in ${elapsed.toFixed(1)} s${summary === undefined ? '' : `, ${summary}`}\n`);
  }
}
