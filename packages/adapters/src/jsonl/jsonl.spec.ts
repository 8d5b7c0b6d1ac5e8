import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredEvent } from '@kessai/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../memory/event-store.js';
import { generateScenario } from '../scenario/generator.js';
import { exportJsonlFile, loadJsonlFile, readJsonlFile } from './files.js';
import { JsonlError, exportJsonl, importJsonl, parseJsonl, parseJsonlLine, toJsonlLine } from './jsonl.js';

const textOf = async (events: Parameters<typeof exportJsonl>[0]): Promise<string> => {
  const lines: string[] = [];
  await exportJsonl(events, (line) => void lines.push(line), { batchSize: 97 });
  return lines.map((l) => `${l}\n`).join('');
};

const event = (position: number, stream: string, revision: number, extra: Partial<StoredEvent> = {}): StoredEvent =>
  ({
    stream,
    revision,
    position,
    type: 'ChargeUpdated',
    version: 1,
    data: { chargeId: 'ch_x', note: position },
    metadata: { merchant: 'merchant_a', correlationId: `req_${position}`, causationId: null, idempotencyKey: null, occurredAt: 1_000 + position },
    recordedAt: 1_000 + position,
    ...extra,
  }) as StoredEvent;

const lineOf = (e: StoredEvent) => toJsonlLine(e);

describe('JSONL', () => {
  let scenarioText: string;
  let scenarioEvents: readonly StoredEvent[];
  let dir: string;

  beforeAll(async () => {
    const scenario = await generateScenario({ seed: 11, merchants: 2, targetEvents: 600 });
    scenarioText = await textOf(scenario.events);
    scenarioEvents = await scenario.events.readAll({ limit: 1_000_000 });
    dir = await mkdtemp(join(tmpdir(), 'kessai-jsonl-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('given a generated scenario, when exported, imported and exported again, then the text is identical', async () => {
    const imported = await importJsonl(scenarioText, { batchSize: 128 });
    expect(await textOf(imported)).toBe(scenarioText);
    expect(await imported.readAll({ limit: 1_000_000 })).toEqual(scenarioEvents);
    expect(scenarioText.split('\n').length - 1).toBe(scenarioEvents.length);
  });

  it('given a stored event, when exported, then its envelope keys come in the documented order', () => {
    const first = JSON.parse(scenarioText.slice(0, scenarioText.indexOf('\n'))) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['stream', 'revision', 'position', 'type', 'version', 'data', 'metadata', 'recordedAt']);
    expect(Object.keys(first['metadata'] as object)).toEqual(['merchant', 'correlationId', 'causationId', 'idempotencyKey', 'occurredAt']);
  });

  it('given metadata with keys beyond the known ones, then they follow the known ones, sorted, and survive a round trip', async () => {
    const e = event(1, 'charge-ch_x', 0, {
      metadata: { zeta: 1, merchant: 'merchant_a', alpha: 'a', correlationId: 'req', causationId: null, idempotencyKey: 'k', occurredAt: 5 } as never,
    });
    const line = toJsonlLine(e);
    expect(Object.keys((JSON.parse(line) as { metadata: object }).metadata)).toEqual(['merchant', 'correlationId', 'causationId', 'idempotencyKey', 'occurredAt', 'alpha', 'zeta']);
    expect(await textOf(await importJsonl(line))).toBe(`${line}\n`);
  });

  it('given blank lines and CRLF line ends, when parsed, then they are ignored', () => {
    const text = `\n${lineOf(event(1, 's-1', 0))}\r\n   \n${lineOf(event(2, 's-1', 1))}\r\n\n`;
    expect(parseJsonl(text).map((e) => e.position)).toEqual([1, 2]);
    expect(parseJsonlLine('   ', 3)).toBeNull();
  });

  it('given a line that is not JSON, when parsed, then the error names its line number', () => {
    const text = `${lineOf(event(1, 's-1', 0))}\n\n{"stream": oops}\n`;
    expect(() => parseJsonl(text)).toThrow(JsonlError);
    expect(() => parseJsonl(text)).toThrow(/^JSONL line 3: not JSON/);
    // V8's own message would quote the line, and a line can hold a card number.
    expect(() => parseJsonl('abc 4242424242424242')).toThrow(/^JSONL line 1: not JSON$/);
    expect(() => parseJsonl('{"note": "4242424242424242" x}')).toThrow(/^JSONL line 1: not JSON \(unreadable at character \d+\)$/);
  });

  it('given a byte order mark before the first line, when parsed, then it is skipped', () => {
    expect(parseJsonl(`\uFEFF${lineOf(event(1, 's-1', 0))}\n`)).toHaveLength(1);
  });

  it('given a line that is not a stored event, when parsed, then the error names the line and the field', () => {
    const good = JSON.parse(lineOf(event(1, 's-1', 0))) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
    expect(() => parseJsonlLine(bad({ position: 0 }), 7)).toThrow(/^JSONL line 7: not a stored event: position: /);
    expect(() => parseJsonlLine(bad({ revision: '0' }), 8)).toThrow(/^JSONL line 8: not a stored event: revision: /);
    expect(() => parseJsonlLine(bad({ data: undefined }), 9)).toThrow(/^JSONL line 9: not a stored event: data: /);
    expect(() => parseJsonlLine(bad({ extra: true }), 10)).toThrow(/^JSONL line 10: not a stored event: /);
    expect(() => parseJsonlLine(bad({ metadata: { ...(good['metadata'] as object), merchant: '' } }), 11)).toThrow(/line 11: .*metadata\.merchant/);
    expect(() => parseJsonlLine('[1,2]', 12)).toThrow(/line 12: not a stored event: the line: /);
  });

  it('given positions a store left unused, when imported, then they stay unused and reads and appends go on after them', async () => {
    // PostgreSQL takes positions from a sequence: an append whose transaction rolls back leaves its number unused.
    const text = [lineOf(event(1, 's-1', 0)), '', lineOf(event(3, 's-1', 1)), lineOf(event(7, 's-2', 0))].join('\n');
    const store = await importJsonl(text);
    expect(await store.headPosition()).toBe(7);
    expect((await store.readAll({ after: 1, limit: 10 })).map((e) => e.position)).toEqual([3, 7]);
    expect((await store.readAll({ after: 2, limit: 1 })).map((e) => e.position)).toEqual([3]);
    expect(await store.readAll({ after: 7, limit: 10 })).toEqual([]);
    expect(await store.append({ stream: 's-1', expected: 1, events: [{ type: 'X', version: 1, data: {}, metadata: event(1, 's-1', 0).metadata }] })).toMatchObject({ position: 8 });
    expect(await textOf(await importJsonl(text))).toBe(`${[lineOf(event(1, 's-1', 0)), lineOf(event(3, 's-1', 1)), lineOf(event(7, 's-2', 0))].join('\n')}\n`);
  });

  it('given a position that does not rise, when imported, then the store refuses it and the error names the line', async () => {
    const text = [lineOf(event(2, 's-1', 0)), lineOf(event(1, 's-2', 0))].join('\n');
    await expect(importJsonl(text)).rejects.toThrow(/^JSONL line 2: Expected a position above 2/);
  });

  it('given a line repeated, when imported, then the error names the repeat, not the line it repeats', async () => {
    const text = [lineOf(event(1, 's-1', 0)), lineOf(event(2, 's-1', 1)), lineOf(event(2, 's-1', 1))].join('\n');
    await expect(importJsonl(text)).rejects.toThrow(/^JSONL line 3: Expected a position above 2/);
  });

  it('given a gap in a stream\'s revisions, when imported, then the store refuses it and the error names the line', async () => {
    const text = [lineOf(event(1, 's-1', 0)), lineOf(event(2, 's-2', 0)), lineOf(event(3, 's-1', 2))].join('\n');
    await expect(importJsonl(text)).rejects.toThrow(/^JSONL line 3: Expected revision 1/);
  });

  it('given the recorded v1 fixture (positions from 101, an excerpt), when parsed and imported, then its positions are kept', async () => {
    const path = fileURLToPath(new URL('../../../../test/fixtures/token-created-v1.jsonl', import.meta.url));
    const text = await readFile(path, 'utf8');
    const parsed = parseJsonl(text);
    expect(parsed.length).toBeGreaterThan(0);
    expect((await (await importJsonl(text)).readAll({ limit: 1000 })).map((e) => e.position)).toEqual(parsed.map((e) => e.position));
  });

  it('given an async writer, when exporting, then each write is awaited in order', async () => {
    const lines: string[] = [];
    const written = await exportJsonl(await importJsonl(scenarioText), async (line) => {
      await new Promise((resolve) => setImmediate(resolve));
      lines.push(line);
    });
    expect(written).toBe(scenarioEvents.length);
    expect(lines.map((l) => `${l}\n`).join('')).toBe(scenarioText);
  });

  it('given events after a position, when exporting with after, then only those are written', async () => {
    const lines: string[] = [];
    await exportJsonl(await importJsonl(scenarioText), (line) => void lines.push(line), { after: 10 });
    expect((JSON.parse(lines[0]!) as StoredEvent).position).toBe(11);
    expect(lines.length).toBe(scenarioEvents.length - 10);
  });

  it('given a store, when exported to a file and loaded back through streams, then file and store round-trip exactly', async () => {
    const path = join(dir, 'scenario.jsonl');
    const store = await importJsonl(scenarioText);
    expect(await exportJsonlFile(store, path)).toBe(scenarioEvents.length);
    expect(await readFile(path, 'utf8')).toBe(scenarioText);
    const loaded = await loadJsonlFile(path, { batchSize: 100 });
    expect(await textOf(loaded)).toBe(scenarioText);
    const numbered = [];
    for await (const e of readJsonlFile(path)) numbered.push(e);
    expect(numbered.map((n) => n.line)).toEqual(scenarioEvents.map((_, i) => i + 1));
  });

  it('given an empty store, when exported to a file, then the file is empty and loads as an empty store', async () => {
    const path = join(dir, 'empty.jsonl');
    expect(await exportJsonlFile(new MemoryEventStore(), path)).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('');
    expect(await (await loadJsonlFile(path)).headPosition()).toBe(0);
  });

  it('given a missing file or a bad line in a file, when loading, then it rejects with the reason', async () => {
    await expect(loadJsonlFile(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, `${lineOf(event(1, 's-1', 0))}\nnot json\n`);
    await expect(loadJsonlFile(path)).rejects.toThrow(/^JSONL line 2: not JSON/);
  });

  it('given an unwritable path, when exporting, then it rejects', async () => {
    await expect(exportJsonlFile(new MemoryEventStore(), join(dir, 'no-such-dir', 'x.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});
