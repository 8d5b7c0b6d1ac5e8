/**
 * A progress bar on a terminal (one line, redrawn), or a line every tenth of the way when output is a file or a
 * pipe (CI logs stay readable). Writes to stderr so that stdout stays for results.
 */
export class Progress {
  private readonly label: string;
  private readonly total: number;
  private readonly started = performance.now();
  private lastTenth = -1;
  private lastDraw = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(label: string, total: number) {
    this.label = label;
    this.total = Math.max(1, total);
  }

  update(done: number): void {
    const fraction = Math.min(1, done / this.total);
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? Math.round(done / elapsed) : 0;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${rate.toLocaleString('en-US')}/s `,
      );
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      process.stderr.write(`${this.label}: ${(fraction * 100).toFixed(0)}% (${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}, ${rate.toLocaleString('en-US')}/s)\n`);
    }
  }

  done(summary?: string): void {
    const elapsed = (performance.now() - this.started) / 1000;
    if (this.tty) process.stderr.write('\n');
    process.stderr.write(`${this.label}: done in ${elapsed.toFixed(1)} s${summary === undefined ? '' : `, ${summary}`}\n`);
  }
}
