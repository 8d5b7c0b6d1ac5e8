import qs from 'qs';
import { invalidRequest, malformed, type EdgeError } from './errors.js';

/**
 * Request parameters as PAY.JP sends them: form-encoded with bracket keys (`card[number]=…`, `metadata[k]=v`), one
 * level deep, each key once. The same rules read query strings. Parsing never echoes a value in an error: a value
 * could be a card number.
 */
export type Params = Readonly<Record<string, unknown>>;
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: EdgeError };

export const MAX_PARAMETERS = 100;

const qsOptions: qs.IParseOptions & { readonly strictDepth: boolean; readonly throwOnLimitExceeded: boolean; readonly duplicates: 'combine' } = {
  allowDots: false,
  allowPrototypes: false,
  // Objects without a prototype, so that `metadata[constructor]` reaches `plain` (which refuses it by name) instead of
  // being dropped without a word; `plain` copies everything into ordinary objects.
  plainObjects: true,
  depth: 1,
  strictDepth: true,
  parameterLimit: MAX_PARAMETERS,
  throwOnLimitExceeded: true,
  parseArrays: false,
  arrayLimit: MAX_PARAMETERS,
  // Repeated keys become arrays, which `plain` refuses, rather than silently keeping one of the values.
  duplicates: 'combine',
  charset: 'utf-8',
};

/** Keys that would reach an object's prototype if an object were ever built from them carelessly. */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A plain copy of parsed parameters, at most one level of nesting, no repeated or prototype keys. */
const plain = (input: Record<string, unknown>, parent: string | null): Parsed<Record<string, unknown>> => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    const name = parent === null ? key : `${parent}[${key}]`;
    if (forbiddenKeys.has(key)) return { ok: false, error: invalidRequest('invalid_param_key', `Parameter name not allowed: ${name}.`, name) };
    const value = input[key];
    if (Array.isArray(value)) return { ok: false, error: malformed(`Parameter ${name} is given more than once or as a list.`, name) };
    if (isRecord(value)) {
      if (parent !== null) return { ok: false, error: malformed(`Parameter ${name} nests too deeply: one level such as card[number] is the most.`, name) };
      const nested = plain(value, name);
      if (!nested.ok) return nested;
      Object.defineProperty(out, key, { value: nested.value, enumerable: true, writable: true, configurable: true });
    } else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    } else return { ok: false, error: malformed(`Parameter ${name} has a value of an unsupported type.`, name) };
  }
  return { ok: true, value: out };
};

const decodeComponent = (text: string): string | null => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
};

/**
 * What qs would drop or reshape without a word, refused by name instead: a key qs never stores (`__proto__`), an
 * empty name (`=x`), empty brackets (`metadata[]=x`, which would become `metadata[0]`), unbalanced brackets
 * (`metadata[a]b`), and text that is not valid percent-encoding (qs would keep it as it came, `%E0%A4%A` stored
 * literally).
 */
const checkRawPairs = (text: string): Parsed<null> => {
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    if (name === null || (eq >= 0 && decodeComponent(part.slice(eq + 1)) === null))
      return { ok: false, error: malformed('The parameters are not validly percent-encoded (a "%" must be followed by two hex digits of UTF-8).') };
    if (name === '') return { ok: false, error: malformed('A parameter has no name (a pair begins with "=").') };
    if (name.includes('[]')) return { ok: false, error: malformed(`Parameter ${name} has nothing between its brackets: name the key, as in metadata[key].`, name) };
    // `name` or `name[key]...`: qs would read `metadata[a]b` as metadata[a] and drop the rest.
    if (!/^[^[\]]+(?:\[[^[\]]+\])*$/.test(name)) return { ok: false, error: malformed(`Parameter ${name} is not a name such as card or card[number].`, name) };
    if (name.split(/[[\]]/).some((segment) => forbiddenKeys.has(segment)))
      return { ok: false, error: invalidRequest('invalid_param_key', `Parameter name not allowed: ${name}.`, name) };
  }
  return { ok: true, value: null };
};

/** Parses a form-encoded body or a query string. */
export const parseForm = (text: string): Parsed<Record<string, unknown>> => {
  const raw = checkRawPairs(text);
  if (!raw.ok) return raw;
  let parsed: Record<string, unknown>;
  try {
    parsed = qs.parse(text, qsOptions) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    if (/depth/i.test(message)) return { ok: false, error: malformed('Parameters nest one level at most, as in card[number] or metadata[key].') };
    if (/parameter limit/i.test(message)) return { ok: false, error: malformed(`A request holds at most ${MAX_PARAMETERS} parameters.`) };
    return { ok: false, error: malformed('The parameters could not be read.') };
  }
  return plain(parsed, null);
};

/** A JSON body, held to the same shape as a form: an object of scalars and one level of objects. */
export const checkJsonBody = (body: unknown): Parsed<Record<string, unknown>> => {
  if (body === undefined) return { ok: true, value: {} };
  if (!isRecord(body)) return { ok: false, error: malformed('A JSON body must be an object of parameters.') };
  return plain(body, null);
};

/** PAY.JP's SDK sends a null as the text "null" (payjp-node's String(v)); JSON bodies send a real null. */
const isNull = (v: unknown) => v === null || v === 'null';

export interface NullRules {
  /** Fields where null means "clear it" (nullable read-model fields an update may empty). */
  readonly nullable?: readonly string[];
  /** On an update a null metadata value removes the key (PAY.JP removes a key sent empty); on a create it is dropped. */
  readonly metadata?: 'create' | 'update';
}

/**
 * Reads nulls the way the request meant them. A nullable field on an update becomes null (clear it); anything
 * else that is null is dropped, as if not sent (a null amount or a null email on a create means "not given").
 * A literal "null" cannot be told apart from the SDK's null, so it is taken as null.
 */
export const readNulls = (params: Params, rules: NullRules = {}): Record<string, unknown> => {
  const nullable = new Set(rules.nullable ?? []);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === 'metadata' && isRecord(value)) {
      const metadata: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (!isNull(v)) metadata[k] = v;
        else if (rules.metadata === 'update') metadata[k] = '';
      }
      out[key] = metadata;
    } else if (isRecord(value)) {
      const nested: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!isNull(v)) nested[k] = v;
      out[key] = nested;
    } else if (isNull(value)) {
      if (nullable.has(key)) out[key] = null;
    } else out[key] = value;
  }
  return out;
};

/**
 * The card fields of a card update, accepted both top-level (PAY.JP's docs) and as `card[…]` (what payjp-go sends).
 * A field given both ways keeps the top-level value.
 */
export const hoistCard = (params: Params): Record<string, unknown> => {
  const { card, ...rest } = params;
  if (!isRecord(card)) return card === undefined ? { ...rest } : { ...params };
  return { ...card, ...rest };
};

/** List parameters (PAYJP-API.md section 2): the integers, and the string filters each list allows. */
export interface ListQuery {
  readonly list: { limit?: number; offset?: number; since?: number; until?: number };
  readonly filters: Record<string, string>;
  /** A filter on something kessai never has (subscriptions, tenants, terms): no object can match it. */
  readonly matchesNothing: boolean;
}

const integerParams = ['limit', 'offset', 'since', 'until'] as const;

/**
 * Reads list parameters. Integers must be written as integers; anything else is passed on as NaN so that the query
 * layer answers it with PAY.JP's error for that parameter (invalid_param_key for limit/offset, invalid_timestamp
 * for since/until). Unknown parameters are refused.
 */
export const readListQuery = (query: Params, filters: readonly string[], impossible: readonly string[] = []): Parsed<ListQuery> => {
  const list: ListQuery['list'] = {};
  const found: Record<string, string> = {};
  let matchesNothing = false;
  for (const [key, value] of Object.entries(query)) {
    if (isNull(value)) continue;
    if ((integerParams as readonly string[]).includes(key)) {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?[0-9]{1,15}$/.test(value) ? Number(value) : Number.NaN;
      list[key as (typeof integerParams)[number]] = n;
    } else if (filters.includes(key) || impossible.includes(key)) {
      if (typeof value !== 'string') return { ok: false, error: invalidRequest('invalid_param_key', `Invalid value for ${key}.`, key) };
      if (impossible.includes(key)) matchesNothing = true;
      else found[key] = value;
    } else return { ok: false, error: invalidRequest('invalid_param_key', `Unknown parameter: ${key}.`, key) };
  }
  return { ok: true, value: { list, filters: found, matchesNothing } };
};
