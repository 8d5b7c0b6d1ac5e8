import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { EventStore } from '@kessai/domain';
import type { MemoryEventStore } from '../memory/event-store.js';
import { exportJsonl, importJsonl, readJsonl, type JsonlExportOptions, type JsonlImportOptions, type JsonlEvent } from './jsonl.js';

/**
 * JSONL files through node:fs streams: a million-event file is written and read line by line, never held in
 * memory as one string.
 */

const CHUNK_CHARS = 1 << 16;

/** Writes a store's events to a file (created or truncated), one per line. Returns how many it wrote. */
export const exportJsonlFile = async (events: EventStore, path: string, options: JsonlExportOptions = {}): Promise<number> => {
  const file = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => file.once('error', reject));
  failed.catch(() => undefined);
  // Lines are gathered into chunks of about 64 KiB: one write per line would cost more than the JSON.
  let chunk = '';
  const flush = async () => {
    if (chunk === '') return;
    const text = chunk;
    chunk = '';
    if (!file.write(text)) await Promise.race([once(file, 'drain'), failed]);
  };
  try {
    const written = await exportJsonl(
      events,
      (line) => {
        chunk += line + '\n';
        return chunk.length >= CHUNK_CHARS ? flush() : undefined;
      },
      options,
    );
    await flush();
    file.end();
    await Promise.race([once(file, 'finish'), failed]);
    return written;
  } catch (e) {
    file.destroy();
    throw e;
  }
};

const fileLines = (path: string) => createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });

/** The events of a JSONL file as they are read, each with its line number. */
export const readJsonlFile = (path: string): AsyncGenerator<JsonlEvent> => readJsonl(fileLines(path));

/** A memory store loaded from a JSONL file (see importJsonl). */
export const loadJsonlFile = async (path: string, options: JsonlImportOptions = {}): Promise<MemoryEventStore> => {
  const lines = fileLines(path);
  try {
    return await importJsonl(lines, options);
  } finally {
    lines.close();
  }
};
