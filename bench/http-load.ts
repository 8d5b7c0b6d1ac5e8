/**
 * The load generator of bench/http.ts, in a process of its own (forked by it): autocannon against the server, which
 * keeps its event loop to itself. One message in (`LoadJob`), one out (`LoadResult`) per run.
 *
 * Latencies are kept here as floats from autocannon's `response` event (2xx only), because autocannon's own
 * histogram rounds to whole milliseconds, too coarse for a p50 under 1 ms.
 */
import autocannon, { type Request } from 'autocannon';

export interface LoadJob {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Bodies sent in turn, one per request across all connections (one body: always that one). */
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  readonly seconds: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const round = (ms: number) => Math.round(ms * 1000) / 1000;

const run = async (job: LoadJob): Promise<LoadResult> => {
  let next = 0;
  const request: Request = { method: job.method, path: job.path, headers: job.headers };
  if (job.bodies.length === 1) request.body = job.bodies[0]!;
  else if (job.bodies.length > 1)
    request.setupRequest = (r) => {
      r.body = job.bodies[next++ % job.bodies.length]!;
      return r;
    };
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const started = performance.now();
  const instance = autocannon({ url: job.url, connections: job.connections, duration: job.durationSeconds, timeout: 10, requests: [request] });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 200 || status >= 300) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  let sum = 0;
  for (const ms of sorted) sum += ms;
  return {
    seconds,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count: n }]) => [code, n])),
    latencyMs: {
      mean: round(sum / Math.max(1, count)),
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[count - 1] ?? Number.NaN),
    },
  };
};

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }),
    (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
