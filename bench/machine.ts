import { cpus, totalmem } from 'node:os';

/** What every benchmark prints beside its figures: the numbers mean nothing without the machine. */
export const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
});

/** Peak resident set size of this process so far, in MiB (getrusage's ru_maxrss). */
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

export const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);

/** Prints a result as one JSON line (for bench/results and comparisons) after its human reading. */
export const report = (name: string, figures: Record<string, unknown>) => {
  // Node flags (a profiler, a larger young generation) change what a run measures: they go with its figures.
  const flags = process.execArgv.filter((arg) => arg.startsWith('--') && arg !== '--import' && !arg.startsWith('--import='));
  const result = { bench: name, at: new Date().toISOString(), machine: machine(), ...(flags.length > 0 ? { nodeFlags: flags } : {}), ...figures };
  console.log(JSON.stringify(result));
  return result;
};
