import { GENERATED_ID_SOURCE } from '@kessai/domain';
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

/**
 * Anything shaped like a card number: 12 or more digits (any script's, full-width included) with at most three
 * characters other than letters and digits between any two of them ("4242 4242…", "4242.4242…", "4242_4242…"),
 * the whole run, however long. Kept as they are: kessai's own ids (their hex can hold 12 decimal digits in a row) and
 * IPv4 addresses with a port (`192.168.10.100:8080` in a webhook URL), which a card number is not written
 * as. It removes some harmless numbers too (a 13-digit epoch in milliseconds); a log line or an error message loses
 * nothing it needs by that.
 */
const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const panLike = new RegExp(
  `(\\b${GENERATED_ID_SOURCE}\\b|\\b${octet}(?:\\.${octet}){3}(?::\\d{1,5})?(?![.\\d]))|\\p{Nd}(?:[^\\p{L}\\p{Nd}]{0,3}\\p{Nd}){11,}`,
  'gu',
);

export const redact = (text: string): string => text.replace(panLike, (_run, kept: string | undefined) => kept ?? '[redacted]');

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
