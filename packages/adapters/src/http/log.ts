/**
 * The HTTP facade's only log output. Fastify's own logger stays off: it would log URLs with their query strings and,
 * on errors, messages that may quote a request. These lines name routes by pattern (`/v1/charges/:id`), never a
 * body, a query string or a header; and every line is passed through `redact` before it is written, so that a card
 * number that slipped into an error message still never reaches the log.
 */
export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [field: string]: unknown;
}

export type LogSink = (line: LogLine) => void;

/** Runs of 13 to 19 digits, optionally grouped by spaces or dashes: anything shaped like a card number. */
const panLike = /\d(?:[ -]?\d){12,18}/g;

export const redact = (text: string): string => text.replace(panLike, '[redacted]');

/** JSON lines on a stream (stdout by default), redacted. */
export const jsonLinesSink =
  (write: (text: string) => void = (text) => void process.stdout.write(text)): LogSink =>
  (line) =>
    write(`${redact(JSON.stringify({ time: new Date().toISOString(), ...line }))}\n`);

export const silentSink: LogSink = () => undefined;

/** What may be logged of an unexpected error: its class, and its message and stack with card-shaped numbers removed. */
export const describeError = (e: unknown): { readonly error: string; readonly message: string; readonly stack?: string } => {
  if (!(e instanceof Error)) return { error: typeof e, message: '(not an Error)' };
  return { error: e.name, message: redact(e.message).slice(0, 500), ...(e.stack === undefined ? {} : { stack: redact(e.stack).slice(0, 2000) }) };
};
