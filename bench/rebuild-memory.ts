/**
 * Issue 3 and 4 figures on the embedded store:
 *   generate <events> <file>   the seeded scenario generator (time, peak RSS), exported as JSONL
 *   rebuild <file> [runs]      full rebuild of every view from a memory store loaded from that file:
 *                              the first run parses every event, later runs reuse the parsed events
 *   impact <file>              projection plus the incident impact report over it
 *   views-only <file> [runs]   the six views applied to the parsed events with one plain Map per collection and
 *                              nothing else (no store, no lists, no checkpoints): how fast the views themselves are
 *   access-counts <file>       how many document reads and writes the six views make per event, by event type (each
 *                              one a lookup in a map of up to a million entries in a rebuild)
 * Each mode runs in its own process so that peak RSS is that mode's alone. Run with `node --expose-gc` and
 * `rebuild` also prints the live heap (after a forced GC): once the events are loaded, and after the last run with
 * its read models still held.
 */
import { appendFileSync } from 'node:fs';
import { exportJsonlFile, generateScenario, loadJsonlFile, MemoryReadModelStore } from '@kessai/adapters';
import { incidentImpact, payjpViews, ProjectionRunner, toProjected, type DocumentAccess } from '@kessai/projections';
import { peakRssMiB, report, rssMiB } from './machine.js';

const [mode, ...args] = process.argv.slice(2);
const save = (result: object) => appendFileSync(new URL('./results/memory.jsonl', import.meta.url), `${JSON.stringify(result)}\n`);

if (mode === 'generate') {
  const target = Number(args[0]);
  const file = args[1]!;
  const started = performance.now();
  const scenario = await generateScenario({ seed: 20170607, merchants: 3, targetEvents: target });
  const seconds = (performance.now() - started) / 1000;
  const events = scenario.stats.events;
  await exportJsonlFile(scenario.events, file);
  console.log(`generated ${events} events (${scenario.stats.calls} API calls) in ${seconds.toFixed(1)} s: ${Math.round(events / seconds)} events/s, peak RSS ${peakRssMiB()} MiB`);
  save(report('generate', { events, calls: scenario.stats.calls, seconds, eventsPerSecond: Math.round(events / seconds), peakRssMiB: peakRssMiB() }));
} else if (mode === 'rebuild') {
  const file = args[0]!;
  const runs = Number(args[1] ?? 3);
  const gc = (globalThis as { gc?: () => void }).gc;
  const liveHeapMiB = () => {
    gc?.();
    return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  };
  const baseHeap = liveHeapMiB();
  const events = await loadJsonlFile(file);
  const head = await events.headPosition();
  console.log(`loaded ${head} events, RSS ${rssMiB()} MiB`);
  const loadedHeap = gc === undefined ? null : liveHeapMiB() - baseHeap;
  let readModels = new MemoryReadModelStore();
  for (let run = 1; run <= runs; run++) {
    // Kept after the loop, so that the live heap counts the last run's read models.
    readModels = new MemoryReadModelStore();
    const runner = new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: 10_000 });
    const started = performance.now();
    await runner.rebuild({ diff: false });
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(head / seconds);
    console.log(`rebuild ${run}${run === 1 ? ' (parses every event)' : ' (events already parsed)'}: ${seconds.toFixed(2)} s, ${rate} events/s, RSS ${rssMiB()} MiB, peak ${peakRssMiB()} MiB`);
    save(report('rebuild-memory', { events: head, run, parsed: run === 1, seconds, eventsPerSecond: rate, rssMiB: rssMiB(), peakRssMiB: peakRssMiB() }));
  }
  if (loadedHeap !== null) {
    const readModelsMiB = liveHeapMiB() - baseHeap - loadedHeap;
    console.log(`live heap over the process's own: events ${loadedHeap} MiB (${Math.round((loadedHeap * 2 ** 20) / head)} bytes per event), the last run's read models (and what decoding remembers) ${readModelsMiB} MiB`);
    save(report('live-heap-memory', { events: head, eventsMiB: loadedHeap, readModelsMiB }));
  }
} else if (mode === 'impact') {
  const file = args[0]!;
  const events = await loadJsonlFile(file);
  const head = await events.headPosition();
  const readModels = new MemoryReadModelStore();
  const started = performance.now();
  await new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: 10_000 }).catchUp();
  const projected = performance.now();
  const impact = await incidentImpact(await readModels.active(), { window: { from: Date.UTC(2017, 5, 7, 7, 55), to: Date.UTC(2017, 5, 7, 12, 55) } });
  const done = performance.now();
  const objects = impact.merchants.reduce((n, m) => n + m.objects.length, 0);
  console.log(`projection ${((projected - started) / 1000).toFixed(2)} s, impact ${((done - projected) / 1000).toFixed(2)} s over ${head} events (${objects} objects reported), peak RSS ${peakRssMiB()} MiB`);
  save(report('impact-memory', { events: head, projectSeconds: (projected - started) / 1000, impactSeconds: (done - projected) / 1000, objects, peakRssMiB: peakRssMiB() }));
} else if (mode === 'views-only') {
  const events = await loadJsonlFile(args[0]!);
  const head = await events.headPosition();
  const projected = (await events.readAll({ limit: head })).map(toProjected);
  const views = payjpViews().views;
  for (let run = 1; run <= Number(args[1] ?? 3); run++) {
    const collections = new Map<string, Map<string, unknown>>();
    const collection = (name: string) => {
      let docs = collections.get(name);
      if (docs === undefined) collections.set(name, (docs = new Map()));
      return docs;
    };
    // Customer ids repeat across merchants: the key keeps them apart, as the stores do.
    const docs: DocumentAccess = {
      get: <Doc>(c: string, m: string, id: string) => (collection(c).get(`${m}/${id}`) ?? null) as Doc | null,
      put: (c, m, id, doc) => void collection(c).set(`${m}/${id}`, doc),
      delete: (c, m, id) => void collection(c).delete(`${m}/${id}`),
    };
    const started = performance.now();
    for (const event of projected) for (const view of views) if (view.handles.has(event.event.type)) view.apply(event, docs);
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(head / seconds);
    console.log(`views only ${run}: ${seconds.toFixed(2)} s, ${rate} events/s, RSS ${rssMiB()} MiB`);
    save(report('views-only-memory', { events: head, run, seconds, eventsPerSecond: rate, peakRssMiB: peakRssMiB() }));
  }
} else if (mode === 'access-counts') {
  const events = await loadJsonlFile(args[0]!);
  const head = await events.headPosition();
  const docs = new Map<string, unknown>();
  const counts = new Map<string, { events: number; gets: number; writes: number }>();
  let current = { events: 0, gets: 0, writes: 0 };
  const access: DocumentAccess = {
    get: <Doc>(c: string, m: string, id: string) => {
      current.gets++;
      return (docs.get(`${c}/${m}/${id}`) ?? null) as Doc | null;
    },
    put: (c, m, id, doc) => {
      current.writes++;
      docs.set(`${c}/${m}/${id}`, doc);
    },
    delete: (c, m, id) => {
      current.writes++;
      docs.delete(`${c}/${m}/${id}`);
    },
  };
  const views = payjpViews().views;
  for (const stored of await events.readAll({ limit: head })) {
    const event = toProjected(stored);
    current = counts.get(event.event.type) ?? { events: 0, gets: 0, writes: 0 };
    counts.set(event.event.type, current);
    current.events++;
    for (const view of views) if (view.handles.has(event.event.type)) view.apply(event, access);
  }
  let gets = 0;
  let writes = 0;
  for (const [type, c] of [...counts].sort(([, a], [, b]) => b.events - a.events)) {
    gets += c.gets;
    writes += c.writes;
    console.log(`${type.padEnd(20)} ${String(c.events).padStart(8)} events: ${(c.gets / c.events).toFixed(1)} reads and ${(c.writes / c.events).toFixed(1)} writes each`);
  }
  console.log(`all ${head} events: ${(gets / head).toFixed(2)} reads and ${(writes / head).toFixed(2)} writes per event, ${docs.size} documents`);
  save(report('access-counts-memory', { events: head, readsPerEvent: gets / head, writesPerEvent: writes / head, documents: docs.size }));
} else {
  console.error('usage: rebuild-memory.ts generate <events> <file> | rebuild <file> [runs] | impact <file> | views-only <file> [runs] | access-counts <file>');
  process.exitCode = 1;
}
