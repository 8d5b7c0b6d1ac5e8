import type { DomainError, MerchantId, Result } from '@kessai/domain';
import { payjpList, type PayjpEvent, type PayjpList } from '@kessai/projections';
import type { CommandOptions } from '../app/context.js';
import type * as inputs from '../app/inputs.js';
import type { Kessai } from '../app/kessai.js';
import type { KeyKind } from './auth.js';
import { invalidRequest, type EdgeError } from './errors.js';
import { hoistCard, readListQuery, readNulls, type ListQuery, type Params, type Parsed } from './params.js';
import type { WebhookReactor } from './webhooks.js';

/** What a route answers: PAY.JP JSON, or an error from the domain or from the edge. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: DomainError | EdgeError };

export interface Call {
  readonly merchant: MerchantId;
  readonly kind: KeyKind;
  /** Path parameters. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Params;
  readonly query: Params;
  readonly options: CommandOptions;
  readonly header: (name: string) => string | undefined;
}

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteSpec {
  readonly method: Method;
  readonly url: string;
  /** Public keys may call only the token endpoints (PAYJP-API.md section 3); everything else needs a secret key. */
  readonly access: 'public' | 'secret';
  readonly handle: (call: Call) => Promise<Outcome>;
}

export interface RouteDeps {
  readonly kessai: Kessai;
  readonly webhooks: WebhookReactor | null;
}

/**
 * The app layer parses every input with zod (types, presence, unknown keys), so the edge hands parameters over
 * as they came, once nulls are read; this cast is the boundary.
 */
const input = <T>(params: Record<string, unknown>): T => params as T;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const fromParsed = <T>(parsed: Parsed<T>): Outcome => parsed;

/** Nullable fields of a card (PAYJP-API.md section 1.1) that a card update may clear. */
const cardNullable = ['name', 'address_state', 'address_city', 'address_line1', 'address_line2', 'address_zip', 'country', 'email', 'phone'];

const listWith = async <T>(
  query: Params,
  filters: readonly string[],
  url: string,
  run: (list: ListQuery['list'], filters: Record<string, string>) => Promise<Result<PayjpList<T>>>,
  impossible: readonly string[] = [],
): Promise<Outcome> => {
  const read = readListQuery(query, filters, impossible);
  if (!read.ok) return fromParsed(read);
  const answer = await run(read.value.list, read.value.filters);
  // A filter nothing can match still gets its other parameters checked (by the run above) before the empty answer.
  if (answer.ok && read.value.matchesNothing) return { ok: true, value: payjpList([], false, url) };
  return answer;
};

const unsafeCardParam = (): EdgeError =>
  invalidRequest(
    'unsafe_credit_card_param',
    'Card data sent with a secret key needs the header X-Payjp-Direct-Token-Generate: true (test mode only). Create tokens with a public key from the browser or app instead.',
    'card',
  );

/**
 * Card data sent where a token id goes (`card[number]=…` on a charge, a customer or a customer's card): PAY.JP refuses
 * it whatever the key or header (payjp-python#22), so that a card number only ever reaches the token endpoint. A card
 * update takes its fields as `card[name]` too (payjp-go), but never a number or a CVC.
 */
const sendsCardData = (body: Params, fields: 'any' | 'number-or-cvc'): boolean => {
  const card = body['card'];
  if (fields === 'any') return isRecord(card);
  return (isRecord(card) && ('number' in card || 'cvc' in card)) || 'number' in body || 'cvc' in body;
};

const cardDataRefused = (): EdgeError =>
  invalidRequest(
    'unsafe_credit_card_param',
    'Card numbers are never sent to this endpoint: send a token id in card. Create tokens with a public key, from the browser or the app.',
    'card',
  );

/** Every endpoint of PAYJP-API.md section 2 on tokens, customers, customer cards, charges and events. */
export const routeSpecs = ({ kessai, webhooks }: RouteDeps): readonly RouteSpec[] => {
  const overlay = async (merchant: MerchantId, answer: Result<PayjpEvent>): Promise<Outcome> =>
    answer.ok && webhooks !== null ? { ok: true, value: webhooks.overlay(merchant, answer.value) } : answer;
  const id = (call: Call, name = 'id') => call.params[name] ?? '';

  return [
    {
      method: 'POST',
      url: '/v1/tokens',
      access: 'public',
      handle: async (call) => {
        if (call.kind === 'secret' && isRecord(call.body['card']) && call.header('x-payjp-direct-token-generate')?.toLowerCase() !== 'true')
          return { ok: false, error: unsafeCardParam() };
        return kessai.tokens.create(call.merchant, input<inputs.CreateTokenInput>(readNulls(call.body)), call.options);
      },
    },
    { method: 'GET', url: '/v1/tokens/:id', access: 'public', handle: (call) => kessai.tokens.retrieve(call.merchant, id(call)) },

    {
      method: 'POST',
      url: '/v1/customers',
      access: 'secret',
      handle: async (call) =>
        sendsCardData(call.body, 'any')
          ? { ok: false, error: cardDataRefused() }
          : kessai.customers.create(call.merchant, input<inputs.CreateCustomerInput>(readNulls(call.body, { metadata: 'create' })), call.options),
    },
    {
      method: 'GET',
      url: '/v1/customers',
      access: 'secret',
      handle: (call) => listWith(call.query, [], '/v1/customers', (list) => kessai.customers.list(call.merchant, list)),
    },
    { method: 'GET', url: '/v1/customers/:id', access: 'secret', handle: (call) => kessai.customers.retrieve(call.merchant, id(call)) },
    {
      method: 'POST',
      url: '/v1/customers/:id',
      access: 'secret',
      handle: async (call) =>
        sendsCardData(call.body, 'any')
          ? { ok: false, error: cardDataRefused() }
          : kessai.customers.update(
              call.merchant,
              id(call),
              input<inputs.UpdateCustomerInput>(readNulls(call.body, { nullable: ['email', 'description'], metadata: 'update' })),
              call.options,
            ),
    },
    { method: 'DELETE', url: '/v1/customers/:id', access: 'secret', handle: (call) => kessai.customers.delete(call.merchant, id(call), call.options) },

    {
      method: 'POST',
      url: '/v1/customers/:id/cards',
      access: 'secret',
      handle: async (call) =>
        sendsCardData(call.body, 'any')
          ? { ok: false, error: cardDataRefused() }
          : kessai.customers.cards.create(call.merchant, id(call), input<inputs.CreateCustomerCardInput>(readNulls(call.body, { metadata: 'create' })), call.options),
    },
    {
      method: 'GET',
      url: '/v1/customers/:id/cards',
      access: 'secret',
      handle: (call) => listWith(call.query, [], `/v1/customers/${id(call)}/cards`, (list) => kessai.customers.cards.list(call.merchant, id(call), list)),
    },
    {
      method: 'GET',
      url: '/v1/customers/:id/cards/:card',
      access: 'secret',
      handle: (call) => kessai.customers.cards.retrieve(call.merchant, id(call), id(call, 'card')),
    },
    {
      method: 'POST',
      url: '/v1/customers/:id/cards/:card',
      access: 'secret',
      handle: async (call) =>
        sendsCardData(call.body, 'number-or-cvc')
          ? { ok: false, error: cardDataRefused() }
          : kessai.customers.cards.update(
              call.merchant,
              id(call),
              id(call, 'card'),
              input<inputs.UpdateCustomerCardInput>(readNulls(hoistCard(call.body), { nullable: cardNullable, metadata: 'update' })),
              call.options,
            ),
    },
    {
      method: 'DELETE',
      url: '/v1/customers/:id/cards/:card',
      access: 'secret',
      handle: (call) => kessai.customers.cards.delete(call.merchant, id(call), id(call, 'card'), call.options),
    },

    {
      method: 'POST',
      url: '/v1/charges',
      access: 'secret',
      handle: async (call) =>
        sendsCardData(call.body, 'any')
          ? { ok: false, error: cardDataRefused() }
          : kessai.charges.create(call.merchant, input<inputs.CreateChargeInput>(readNulls(call.body, { metadata: 'create' })), call.options),
    },
    {
      method: 'GET',
      url: '/v1/charges',
      access: 'secret',
      handle: (call) =>
        listWith(call.query, ['customer'], '/v1/charges', (list, filters) => kessai.charges.list(call.merchant, { ...list, ...filters }), [
          // kessai has no subscriptions, tenants or terms: a filter on one matches no charge.
          'subscription',
          'tenant',
          'term',
        ]),
    },
    { method: 'GET', url: '/v1/charges/:id', access: 'secret', handle: (call) => kessai.charges.retrieve(call.merchant, id(call)) },
    {
      method: 'POST',
      url: '/v1/charges/:id',
      access: 'secret',
      handle: (call) =>
        kessai.charges.update(
          call.merchant,
          id(call),
          input<inputs.UpdateChargeInput>(readNulls(call.body, { nullable: ['description'], metadata: 'update' })),
          call.options,
        ),
    },
    {
      method: 'POST',
      url: '/v1/charges/:id/refund',
      access: 'secret',
      handle: (call) => kessai.charges.refund(call.merchant, id(call), input<inputs.RefundChargeInput>(readNulls(call.body)), call.options),
    },
    {
      method: 'POST',
      url: '/v1/charges/:id/capture',
      access: 'secret',
      handle: (call) => kessai.charges.capture(call.merchant, id(call), input<inputs.CaptureChargeInput>(readNulls(call.body)), call.options),
    },
    {
      method: 'POST',
      url: '/v1/charges/:id/reauth',
      access: 'secret',
      handle: (call) => kessai.charges.reauth(call.merchant, id(call), input<inputs.ReauthChargeInput>(readNulls(call.body)), call.options),
    },

    {
      method: 'GET',
      url: '/v1/events',
      access: 'secret',
      handle: async (call) => {
        await webhooks?.sync();
        const answer = await listWith(call.query, ['resource_id', 'object', 'type'], '/v1/events', (list, filters) =>
          kessai.events.list(call.merchant, { ...list, ...filters }),
        );
        if (!answer.ok || webhooks === null) return answer;
        const page = answer.value as PayjpList<PayjpEvent>;
        return { ok: true, value: { ...page, data: page.data.map((e) => webhooks.overlay(call.merchant, e)) } };
      },
    },
    {
      method: 'GET',
      url: '/v1/events/:id',
      access: 'secret',
      handle: async (call) => {
        await webhooks?.sync();
        return overlay(call.merchant, await kessai.events.retrieve(call.merchant, id(call)));
      },
    },
  ];
};
