import { merchantIdSchema, type Clock, type EventMetadata, type EventStore, type StoredEvent } from '@kessai/domain';
import { z } from 'zod';
import { InvalidHistoryError, MemoryEventStore } from '../memory/event-store.js';

/**
 * JSONL: one stored event per line, the form of recorded incident streams (`test/fixtures/*.jsonl`) and of
 * `kessai export` / `kessai import`. Each line holds the whole envelope, keys in a fixed order:
 * stream, revision, position, type, version, data, metadata (merchant, correlationId, causationId,
 * idempotencyKey, occurredAt, then any others sorted), recordedAt. Data keeps the key order it was stored with.
 * Reading validates each line's envelope (not the event data: that is the event registry's job, with its
 * upcasters, when the events are read) and names the line of the first problem.
 */

const metadataSchema = z.looseObject({
  merchant: merchantIdSchema,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  occurredAt: z.number().int(),
});

const envelopeSchema = z.strictObject({
  stream: z.string().min(1),
  revision: z.number().int().nonnegative(),
  position: z.number().int().positive(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  data: z.unknown().refine((d) => d !== undefined, 'Required'),
  metadata: metadataSchema,
  recordedAt: z.number().int(),
});

/** A line that is not a stored event, or a history a store could not have written; names the line. */
export class JsonlError extends Error {
  readonly _tag = 'JsonlError';
  /** 1-based line number. */
  readonly line: number;
  constructor(line: number, reason: string) {
    super(`JSONL line ${line}: ${reason}`);
    this.name = 'JsonlError';
    this.line = line;
  }
}

const knownMetadata = ['merchant', 'correlationId', 'causationId', 'idempotencyKey', 'occurredAt'] as const;

const orderedMetadata = (metadata: EventMetadata): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of knownMetadata) out[key] = metadata[key];
  const extra = Object.keys(metadata)
    .filter((k) => !(knownMetadata as readonly string[]).includes(k))
    .sort();
  for (const key of extra) out[key] = (metadata as unknown as Record<string, unknown>)[key];
  return out;
};

/** One stored event as a JSONL line (no trailing newline). */
export const toJsonlLine = (event: StoredEvent): string =>
  JSON.stringify({
    stream: event.stream,
    revision: event.revision,
    position: event.position,
    type: event.type,
    version: event.version,
    data: event.data,
    metadata: orderedMetadata(event.metadata),
    recordedAt: event.recordedAt,
  });

export interface JsonlExportOptions {
  /** Events per `readAll` (default 1,000). */
  readonly batchSize?: number;
  /** Export events after this position only (default 0: from the start). */
  readonly after?: number;
  /** Called after each batch with how many events are written so far. */
  readonly onProgress?: (written: number) => void;
}

/**
 * Writes every event of a store, in global order, one line per call of `write` (without a newline), reading in
 * batches. Awaits `write` when it returns a promise (backpressure). Returns how many events it wrote.
 */
export const exportJsonl = async (events: EventStore, write: (line: string) => void | Promise<void>, options: JsonlExportOptions = {}): Promise<number> => {
  const limit = options.batchSize ?? 1_000;
  let after = options.after ?? 0;
  let written = 0;
  for (;;) {
    const batch = await events.readAll({ after, limit });
    if (batch.length === 0) return written;
    for (const event of batch) {
      const pending = write(toJsonlLine(event));
      if (pending !== undefined) await pending;
    }
    written += batch.length;
    after = batch[batch.length - 1]!.position;
    options.onProgress?.(written);
  }
};

const describeIssue = (error: z.ZodError): string => {
  const issue = error.issues[0]!;
  return `${issue.path.length === 0 ? 'the line' : issue.path.join('.')}: ${issue.message}`;
};

/**
 * Where JSON.parse gave up, without its message: V8 quotes the text it could not read (`Unexpected token 'a', "abc
 * 4242…" is not valid JSON`), and a line of a file can hold anything, a card number included.
 */
const jsonProblem = (e: unknown): string => {
  const at = e instanceof Error ? /position (\d+)/.exec(e.message) : null;
  return at === null ? 'not JSON' : `not JSON (unreadable at character ${Number(at[1]) + 1})`;
};

/** Parses one line; null for a blank line. Throws JsonlError naming `lineNumber`. A byte order mark on line 1 is skipped. */
export const parseJsonlLine = (line: string, lineNumber: number): StoredEvent | null => {
  const text = lineNumber === 1 && line.startsWith('\uFEFF') ? line.slice(1) : line;
  if (text.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new JsonlError(lineNumber, jsonProblem(e));
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new JsonlError(lineNumber, `not a stored event: ${describeIssue(parsed.error)}`);
  return parsed.data satisfies StoredEvent;
};

/** Parses a whole JSONL text (blank lines ignored). */
export const parseJsonl = (text: string): StoredEvent[] => {
  const out: StoredEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const event = parseJsonlLine(lines[i]!.replace(/\r$/, ''), i + 1);
    if (event !== null) out.push(event);
  }
  return out;
};

/** A numbered event, so that a store's refusal can be traced back to its line. */
export interface JsonlEvent {
  readonly line: number;
  readonly event: StoredEvent;
}

/** Parses lines as they arrive (a file read with readline, a network stream): one event per non-blank line. */
export async function* readJsonl(lines: Iterable<string> | AsyncIterable<string>): AsyncGenerator<JsonlEvent> {
  let number = 0;
  for await (const line of lines) {
    number++;
    const event = parseJsonlLine(line, number);
    if (event !== null) yield { line: number, event };
  }
}

export interface JsonlImportOptions {
  /** Stamps `recordedAt` on events appended after the import; the system clock when absent. */
  readonly clock?: Clock;
  /** Events per bulk load (default 10,000). */
  readonly batchSize?: number;
}

/**
 * A memory store holding the events of a JSONL text or a stream of lines, positions, revisions and recorded
 * times kept. The store checks the history (positions from 1 without gaps, revisions per stream without gaps);
 * its refusal is rethrown as a JsonlError naming the line.
 */
export const importJsonl = async (source: string | Iterable<string> | AsyncIterable<string>, options: JsonlImportOptions = {}): Promise<MemoryEventStore> => {
  const store = new MemoryEventStore(options.clock === undefined ? {} : { clock: options.clock });
  const batchSize = options.batchSize ?? 10_000;
  const lines = typeof source === 'string' ? source.split('\n').map((l) => l.replace(/\r$/, '')) : source;
  let batch: JsonlEvent[] = [];
  const load = () => {
    try {
      store.loadAll(batch.map((b) => b.event));
    } catch (e) {
      if (!(e instanceof InvalidHistoryError)) throw e;
      // By index: a duplicated line has the same position, stream and revision as the line it repeats.
      const at = e.index === undefined ? undefined : batch[e.index];
      throw at === undefined ? e : new JsonlError(at.line, e.message);
    }
    batch = [];
  };
  for await (const numbered of readJsonl(lines)) {
    batch.push(numbered);
    if (batch.length >= batchSize) load();
  }
  load();
  return store;
};
