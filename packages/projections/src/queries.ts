import { invalidParam, noSuch, notFound, err, ok, type Result } from '@kessai/domain';
import type { PayjpCard } from './render/card.js';
import { payjpList, type PayjpList } from './render/list.js';
import type { PayjpCharge, PayjpCustomer, PayjpEvent, PayjpToken } from './render/resources.js';
import type { Generation, ReadModelStore } from './read-model-store.js';
import { collections } from './views/collections.js';
import { asLineageDocument, readLineage, type Lineage } from './views/lineage.js';
import { docKey } from './view.js';

/** PAY.JP list parameters (PAYJP-API.md section 2): limit 1..100 (default 10), offset >= 0, since/until (Unix s). */
export interface ListParams {
  readonly limit?: number;
  readonly offset?: number;
  readonly since?: number;
  readonly until?: number;
}

const checkList = (params: ListParams): Result<{ limit: number; offset: number; since?: number; until?: number }> => {
  const limit = params.limit ?? 10;
  const offset = params.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return err(invalidParam('invalid_param_key', 'limit', 'limit must be an integer from 1 to 100.'));
  if (!Number.isInteger(offset) || offset < 0) return err(invalidParam('invalid_param_key', 'offset', 'offset must be a non-negative integer.'));
  for (const bound of ['since', 'until'] as const) {
    const value = params[bound];
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      return err(invalidParam('invalid_timestamp', bound, `${bound} must be a Unix time in seconds.`));
  }
  return ok({ limit, offset, ...(params.since === undefined ? {} : { since: params.since }), ...(params.until === undefined ? {} : { until: params.until }) });
};

/**
 * The reads of PAY.JP's API, per merchant, from the live read models: every GET of the eleven incident paths.
 * Another merchant's object is answered exactly like a missing one.
 */
export class PayjpQueries {
  /** The generation to read: a store's live one at each read, or one given generation. */
  private readonly source: () => Promise<Generation>;

  /** Reads from the store's live generation, or from one generation (the one a catch-up just brought up to date). */
  constructor(readModels: ReadModelStore | Generation) {
    if ('active' in readModels) this.source = () => readModels.active();
    else {
      const fixed = Promise.resolve(readModels);
      this.source = () => fixed;
    }
  }

  private async get<T>(collection: string, merchant: string, id: string): Promise<T | null> {
    return (await (await this.source()).get(collection, docKey(merchant, id))) as T | null;
  }

  private async list<T>(collection: string, merchant: string, url: string, params: ListParams, where?: Record<string, string>): Promise<Result<PayjpList<T>>> {
    const checked = checkList(params);
    if (!checked.ok) return checked;
    const page = await (await this.source()).list({ collection, merchant, ...checked.value, ...(where === undefined ? {} : { where }) });
    return ok(payjpList(page.data as T[], page.hasMore, url));
  }

  async token(merchant: string, id: string): Promise<Result<PayjpToken>> {
    const token = await this.get<PayjpToken>(collections.tokens, merchant, id);
    return token === null ? err(notFound('token', id)) : ok(token);
  }

  async customer(merchant: string, id: string): Promise<Result<PayjpCustomer>> {
    const customer = await this.get<PayjpCustomer>(collections.customers, merchant, id);
    return customer === null ? err(notFound('customer', id)) : ok(customer);
  }

  customers(merchant: string, params: ListParams = {}): Promise<Result<PayjpList<PayjpCustomer>>> {
    return this.list(collections.customers, merchant, '/v1/customers', params);
  }

  async customerCard(merchant: string, customer: string, id: string): Promise<Result<PayjpCard>> {
    const card = await this.get<PayjpCard>(collections.cards, merchant, id);
    return card === null || card.customer !== customer ? err(notFound('card', id)) : ok(card);
  }

  async customerCards(merchant: string, customer: string, params: ListParams = {}): Promise<Result<PayjpList<PayjpCard>>> {
    const owner = await this.customer(merchant, customer);
    if (!owner.ok) return owner;
    return this.list(collections.cards, merchant, `/v1/customers/${customer}/cards`, params, { customer });
  }

  async charge(merchant: string, id: string): Promise<Result<PayjpCharge>> {
    const charge = await this.get<PayjpCharge>(collections.charges, merchant, id);
    return charge === null ? err(notFound('charge', id)) : ok(charge);
  }

  charges(merchant: string, params: ListParams & { readonly customer?: string } = {}): Promise<Result<PayjpList<PayjpCharge>>> {
    const { customer, ...list } = params;
    return this.list(collections.charges, merchant, '/v1/charges', list, customer === undefined ? undefined : { customer });
  }

  async event(merchant: string, id: string): Promise<Result<PayjpEvent>> {
    const event = await this.get<PayjpEvent>(collections.events, merchant, id);
    return event === null ? err(invalidParam('invalid_id', 'id', noSuch('event', id), 404)) : ok(event);
  }

  events(
    merchant: string,
    params: ListParams & { readonly resource_id?: string; readonly object?: string; readonly type?: string } = {},
  ): Promise<Result<PayjpList<PayjpEvent>>> {
    const { resource_id, object, type, ...list } = params;
    const where: Record<string, string> = {};
    if (resource_id !== undefined) where['resource_id'] = resource_id;
    if (object !== undefined) where['object'] = object;
    if (type !== undefined) where['type'] = type;
    return this.list(collections.events, merchant, '/v1/events', list, where);
  }

  /** Everything that carries a token's cvc decision (cards, customers, charges, API events). */
  async lineage(merchant: string, token: string): Promise<Lineage | null> {
    const generation = await this.source();
    const document = asLineageDocument(await generation.get(collections.lineage, docKey(merchant, token)));
    return document === null ? null : readLineage(generation, document);
  }
}
