import { isDomainError, type DomainError } from '@kessai/domain';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Kessai } from '../app/kessai.js';
import { KeyRing, parseMerchants, type Authenticated, type Merchant, type MerchantConfig } from './auth.js';
import {
  errorBody,
  fromDomainError,
  invalidApiKey,
  invalidRequest,
  malformed,
  methodNotAllowed,
  notFoundRoute,
  serverError,
  type EdgeError,
} from './errors.js';
import { describeError, redact, silentSink, type LogSink } from './log.js';
import { checkJsonBody, parseForm } from './params.js';
import { routeSpecs, type Call, type Method, type Outcome } from './routes.js';
import { WebhookReactor, type WebhookOptions } from './webhooks.js';

export interface HttpApiOptions {
  readonly kessai: Kessai;
  /** Merchants with their keys and webhook endpoints (checked with `parseMerchants`). */
  readonly merchants: readonly MerchantConfig[];
  /**
   * Test mode only: a request header (e.g. `X-Kessai-Clock`, ISO time or epoch ms) that moves the payment clock
   * forward before the request runs, so a client can make a token inside or outside the incident window. The clock
   * is shared: concurrent requests see each other's moves.
   */
  readonly clockHeader?: { readonly name: string; readonly clock: { set(at: number): unknown } };
  /** Webhook delivery (retry timing, state store); `false` turns the reactor off even when merchants have endpoints. */
  readonly webhooks?: WebhookOptions | false;
  /** Largest request body in bytes (default 16 KiB: PAY.JP requests are small). */
  readonly bodyLimit?: number;
  /** Request and error lines (default: none). Never given bodies, query strings or headers. */
  readonly log?: LogSink;
}

/** The fastify instance serving `/v1`, with its webhook reactor (null when no merchant has an endpoint). */
export type KessaiHttpApi = FastifyInstance & { readonly webhooks: WebhookReactor | null; readonly merchants: readonly Merchant[] };

/** A refusal raised where fastify expects an Error (body parsing); the error handler sends its PAY.JP body. */
class EdgeRefusal extends Error {
  readonly edge: EdgeError;
  constructor(edge: EdgeError) {
    super(edge.message);
    this.name = 'EdgeRefusal';
    this.edge = edge;
  }
}

const DEFAULT_BODY_LIMIT = 16 * 1024;
/** Every method a client could send; a known path answers the ones it lacks with 405. */
const allMethods = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'] as const;

const send = (reply: FastifyReply, error: EdgeError) => {
  // Messages can quote an id and `param` names what the client sent as a parameter's name; nothing shaped like a
  // card number goes back out either way.
  const safe = { ...error, message: redact(error.message), param: error.param === null ? null : redact(error.param) };
  return reply.code(safe.status).type('application/json; charset=utf-8').send(errorBody(safe));
};

const toEdge = (error: DomainError | EdgeError): EdgeError => (isDomainError(error) ? fromDomainError(error) : error);

/** What fastify's own errors (body parsing, framework checks) become: fixed messages, no request content. */
const frameworkError = (error: FastifyError, bodyLimit: number): EdgeError | null => {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return malformed(`The request body is larger than ${bodyLimit} bytes.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return malformed('Unsupported Content-Type: send application/x-www-form-urlencoded (or application/json).');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformed('The JSON body is empty: send {} or no body at all.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformed('The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return malformed('Content-Length does not match the body.');
    case 'FST_ERR_BAD_URL':
      return malformed('The URL is not valid.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return invalidRequest('invalid_id', 'An id in the URL is too long.', 'id');
    default:
      return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? malformed('The request could not be read.') : null;
  }
};

/**
 * PAY.JP v1 over HTTP, for the official SDKs (`apibase: http://host:port/v1`): form-encoded bodies with bracket
 * keys (JSON also accepted), HTTP Basic auth with the API key as user name, PAY.JP error bodies and statuses,
 * an `Idempotency-Key` header on writes, and webhooks. Every answer comes from the embedded `Kessai`, which scopes
 * each call to the key's merchant: another merchant's object is a 404, exactly like a missing one.
 */
export const createHttpApi = (options: HttpApiOptions): KessaiHttpApi => {
  const { kessai } = options;
  const merchants = parseMerchants(options.merchants);
  const keys = new KeyRing(merchants);
  const log = options.log ?? silentSink;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const hasEndpoints = merchants.some((m) => m.webhooks.length > 0);
  const webhooks = options.webhooks === false || !hasEndpoints ? null : new WebhookReactor(kessai, merchants, { log, ...options.webhooks });
  const auth = new WeakMap<FastifyRequest, Authenticated>();

  const app = Fastify({
    // Off: fastify would log URLs with query strings and raw error messages. See log.ts.
    logger: false,
    bodyLimit,
    return503OnClosing: true,
    routerOptions: {
      querystringParser: (text: string) => {
        const parsed = parseForm(text);
        // Never throws (the router would turn a throw into a crash or a bare 500): a bad query string is refused in onRequest.
        return parsed.ok ? parsed.value : { [badQuery]: parsed.error };
      },
    },
    frameworkErrors: (error, _request, reply) => {
      void send(reply, frameworkError(error, bodyLimit) ?? serverError());
    },
  });

  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const parsed = parseForm(body as string);
    if (parsed.ok) done(null, parsed.value);
    else done(new EdgeRefusal(parsed.error), undefined);
  });

  app.decorate('webhooks', webhooks);
  app.decorate('merchants', merchants);
  if (webhooks !== null) {
    app.addHook('onReady', () => webhooks.start());
    app.addHook('onClose', () => webhooks.stop());
  }

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
    const found = keys.authenticate(request.headers.authorization);
    if (!found.ok) return send(reply.header('WWW-Authenticate', 'Basic realm="kessai"'), found.error);
    const access = (request.routeOptions.config as { access?: string } | undefined)?.access;
    if (found.value.kind === 'public' && access !== 'public')
      return send(reply, invalidApiKey('A public key can only create and retrieve tokens; use a secret key for this request.'));
    auth.set(request, found.value);
    const query = request.query as Record<string | symbol, unknown> | undefined;
    const bad = query?.[badQuery] as EdgeError | undefined;
    if (bad !== undefined) return send(reply, bad);
    return undefined;
  });

  if (options.clockHeader !== undefined) {
    const { name, clock } = options.clockHeader;
    app.addHook('preHandler', async (request, reply) => {
      const value = request.headers[name.toLowerCase()];
      if (value === undefined) return undefined;
      const text = Array.isArray(value) ? value[0] : value;
      const at = text !== undefined && /^[0-9]{1,15}$/.test(text) ? Number(text) : Date.parse(text ?? '');
      if (!Number.isSafeInteger(at)) return send(reply, invalidRequest('invalid_timestamp', `${name} must be an ISO time or epoch milliseconds.`, name));
      try {
        clock.set(at);
      } catch {
        return send(reply, invalidRequest('invalid_timestamp', `${name} cannot move the clock backwards.`, name));
      }
      return undefined;
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    log({
      level: 'info',
      msg: 'request',
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      merchant: auth.get(request)?.merchant ?? null,
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof EdgeRefusal) return send(reply, error.edge);
    const known = frameworkError(error, bodyLimit);
    if (known !== null) return send(reply, known);
    log({ level: 'error', msg: 'unexpected error', method: request.method, route: request.routeOptions.url ?? '(no route)', ...describeError(error) });
    return send(reply, serverError());
  });

  app.setNotFoundHandler(async (_request, reply) => send(reply, notFoundRoute()));

  const byPath = new Map<string, Method[]>();
  for (const spec of routeSpecs({ kessai, webhooks })) {
    byPath.set(spec.url, [...(byPath.get(spec.url) ?? []), spec.method]);
    app.route({
      method: spec.method,
      url: spec.url,
      config: { access: spec.access },
      handler: async (request, reply) => {
        const who = auth.get(request)!;
        // `/v1/charges/` matches `/v1/charges/:id` with an empty id: no such URL, not a lookup of "".
        if (Object.values(request.params as Record<string, string>).some((value) => value === '')) return send(reply, notFoundRoute());
        const idempotencyKey = spec.method === 'GET' ? undefined : headerValue(request, 'idempotency-key');
        // Form bodies arrive already checked; JSON bodies are held to the same shape here. GET ignores any body.
        const body = spec.method === 'GET' ? checkJsonBody(undefined) : checkJsonBody(request.body);
        if (!body.ok) return send(reply, body.error);
        const call: Call = {
          merchant: who.merchant,
          kind: who.kind,
          params: request.params as Record<string, string>,
          body: body.value,
          query: request.query as Record<string, unknown>,
          options: idempotencyKey === undefined ? {} : { idempotencyKey },
          header: (name) => headerValue(request, name),
        };
        let outcome: Outcome;
        try {
          outcome = await spec.handle(call);
        } finally {
          // A write (even a refused one: a declined charge is recorded) may have made API events to deliver.
          if (spec.method !== 'GET') webhooks?.nudge();
        }
        if (!outcome.ok) return send(reply, toEdge(outcome.error));
        return reply.code(200).type('application/json; charset=utf-8').send(outcome.value);
      },
    });
  }
  for (const [url, methods] of byPath) {
    const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    const others = allMethods.filter((m) => !allowed.includes(m));
    app.route({
      method: others,
      url,
      config: { access: url.startsWith('/v1/tokens') ? 'public' : 'secret' },
      handler: async (_request, reply) => send(reply.header('Allow', allowed.join(', ')), methodNotAllowed(allowed)),
    });
  }

  return app as unknown as KessaiHttpApi;
};

/** Marks a query string that did not parse; onRequest answers it once the key is known to be good. */
const badQuery = Symbol('badQuery');

const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};
