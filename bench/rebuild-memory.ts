/**
 * Issue 3 and 4 figures on the embedded store:
 *   generate <events> <file>   the seeded scenario generator (time, peak RSS), exported as JSONL
 *   rebuild <file> [runs]      full rebuild of every view from a memory store loaded from that file:
 *                              the first run parses every event, later runs reuse the parsed events
 *   impact <file>              projection plus the incident impact report over it
 * Each mode runs in its own process so that peak RSS is that mode's alone.
 */
import { appendFileSync } from 'node:fs';
import { exportJsonlFile, generateScenario, loadJsonlFile, MemoryReadModelStore } from '@kessai/adapters';
import { incidentImpact, payjpViews, ProjectionRunner } from '@kessai/projections';
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
  const events = await loadJsonlFile(file);
  const head = await events.headPosition();
  console.log(`loaded ${head} events, RSS ${rssMiB()} MiB`);
  for (let run = 1; run <= runs; run++) {
    const readModels = new MemoryReadModelStore();
    const runner = new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: 10_000 });
    const started = performance.now();
    await runner.rebuild({ diff: false });
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(head / seconds);
    console.log(`rebuild ${run}${run === 1 ? ' (parses every event)' : ' (events already parsed)'}: ${seconds.toFixed(2)} s, ${rate} events/s, RSS ${rssMiB()} MiB, peak ${peakRssMiB()} MiB`);
    save(report('rebuild-memory', { events: head, run, parsed: run === 1, seconds, eventsPerSecond: rate, rssMiB: rssMiB(), peakRssMiB: peakRssMiB() }));
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
} else {
  console.error('usage: rebuild-memory.ts generate <events> <file> | rebuild <file> [runs] | impact <file>');
  process.exitCode = 1;
}
