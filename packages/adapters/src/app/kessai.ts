import { ok, type MerchantId, type Result } from '@kessai/domain';
import {
  PayjpQueries,
  ProjectionRunner,
  payjpViews,
  type ListParams,
  type PayjpCard,
  type PayjpCharge,
  type PayjpCustomer,
  type PayjpToken,
  type ReadModelStore,
  type ViewSet,
} from '@kessai/projections';
import * as charges from './charges.js';
import type { CommandOptions, CommandPorts, Done } from './context.js';
import * as customers from './customers.js';
import { Idempotency, type IdempotencyStore } from './idempotency.js';
import type * as inputs from './inputs.js';
import * as tokens from './tokens.js';

export interface KessaiOptions extends CommandPorts {
  readonly readModels: ReadModelStore;
  readonly views?: ViewSet;
  /**
   * Where idempotency records live (default: this process's memory). Servers sharing one database share one
   * store (PostgresIdempotencyStore), so that a key retried on another server still answers the first answer.
   */
  readonly idempotency?: IdempotencyStore;
}

/** PAY.JP's answer to a delete. */
export interface Deleted {
  readonly deleted: true;
  readonly id: string;
  readonly livemode: false;
}

/**
 * The commands alone: each answers the id it acted on and the store position that holds it, without projecting.
 * For bulk loads (the scenario generator, benchmarks): run them, then `kessai.runner.catchUp()` once.
 */
export const bindCommands = (ports: CommandPorts) => ({
  createToken: (merchant: MerchantId, input: inputs.CreateTokenInput, options?: CommandOptions) => tokens.createToken(ports, merchant, input, options),
  createCustomer: (merchant: MerchantId, input: inputs.CreateCustomerInput, options?: CommandOptions) => customers.createCustomer(ports, merchant, input, options),
  updateCustomer: (merchant: MerchantId, id: string, input: inputs.UpdateCustomerInput, options?: CommandOptions) =>
    customers.updateCustomer(ports, merchant, id, input, options),
  deleteCustomer: (merchant: MerchantId, id: string, options?: CommandOptions) => customers.deleteCustomer(ports, merchant, id, options),
  createCustomerCard: (merchant: MerchantId, customer: string, input: inputs.CreateCustomerCardInput, options?: CommandOptions) =>
    customers.createCustomerCard(ports, merchant, customer, input, options),
  updateCustomerCard: (merchant: MerchantId, customer: string, id: string, input: inputs.UpdateCustomerCardInput, options?: CommandOptions) =>
    customers.updateCustomerCard(ports, merchant, customer, id, input, options),
  deleteCustomerCard: (merchant: MerchantId, customer: string, id: string, options?: CommandOptions) =>
    customers.deleteCustomerCard(ports, merchant, customer, id, options),
  createCharge: (merchant: MerchantId, input: inputs.CreateChargeInput, options?: CommandOptions) => charges.createCharge(ports, merchant, input, options),
  updateCharge: (merchant: MerchantId, id: string, input: inputs.UpdateChargeInput, options?: CommandOptions) => charges.updateCharge(ports, merchant, id, input, options),
  refundCharge: (merchant: MerchantId, id: string, input: inputs.RefundChargeInput, options?: CommandOptions) => charges.refundCharge(ports, merchant, id, input, options),
  captureCharge: (merchant: MerchantId, id: string, input: inputs.CaptureChargeInput, options?: CommandOptions) =>
    charges.captureCharge(ports, merchant, id, input, options),
  reauthCharge: (merchant: MerchantId, id: string, input: inputs.ReauthChargeInput, options?: CommandOptions) => charges.reauthCharge(ports, merchant, id, input, options),
  expireCharge: (merchant: MerchantId, id: string, options?: CommandOptions) => charges.expireCharge(ports, merchant, id, options),
});

/**
 * The embedded API: one method per PAY.JP v1 operation, answering PAY.JP JSON from the read models after
 * projecting the command (read-your-writes). Commands go through the deciders and the event store; reads go
 * through the projections. This is what a payment backend embeds and what the HTTP facade serves.
 * `commands` runs the same operations without projecting, for bulk loads.
 */
export class Kessai {
  readonly ports: CommandPorts;
  readonly readModels: ReadModelStore;
  readonly runner: ProjectionRunner;
  readonly queries: PayjpQueries;
  readonly commands: ReturnType<typeof bindCommands>;
  private readonly idempotency: Idempotency;

  constructor(options: KessaiOptions) {
    this.ports = options;
    this.readModels = options.readModels;
    this.runner = new ProjectionRunner({ events: options.events, readModels: options.readModels, views: options.views ?? payjpViews() });
    this.queries = new PayjpQueries(options.readModels);
    this.commands = bindCommands(options);
    this.idempotency = new Idempotency(options.idempotency);
  }

  /** Runs a command (once per idempotency key), projects it when inline, then answers with the read model. */
  private async command<T>(
    merchant: MerchantId,
    operation: string,
    input: unknown,
    options: CommandOptions,
    execute: () => Promise<Result<Done>>,
    read: (id: string, queries: PayjpQueries) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    return this.idempotency.run(merchant, options.idempotencyKey, operation, input, async () => {
      const done = await execute();
      // Read-your-writes, from the generation the catch-up brought up to date. Also after a refusal that recorded
      // something (a declined charge), so GET shows it at once.
      const { generation } = await this.runner.catchUpLive();
      return done.ok ? read(done.value.id, new PayjpQueries(generation)) : done;
    });
  }

  private deleted(merchant: MerchantId, operation: string, input: unknown, options: CommandOptions, execute: () => Promise<Result<Done>>) {
    return this.command<Deleted>(merchant, operation, input, options, execute, async (id) => ok({ deleted: true, id, livemode: false }));
  }

  readonly tokens = {
    create: (merchant: MerchantId, input: inputs.CreateTokenInput, options: CommandOptions = {}): Promise<Result<PayjpToken>> =>
      this.command(merchant, 'tokens.create', input, options, () => tokens.createToken(this.ports, merchant, input, options), (id, q) => q.token(merchant, id)),
    retrieve: (merchant: MerchantId, id: string) => this.queries.token(merchant, id),
  };

  readonly customers = {
    create: (merchant: MerchantId, input: inputs.CreateCustomerInput = {}, options: CommandOptions = {}): Promise<Result<PayjpCustomer>> =>
      this.command(merchant, 'customers.create', input, options, () => customers.createCustomer(this.ports, merchant, input, options), (id, q) =>
        q.customer(merchant, id),
      ),
    retrieve: (merchant: MerchantId, id: string) => this.queries.customer(merchant, id),
    update: (merchant: MerchantId, id: string, input: inputs.UpdateCustomerInput, options: CommandOptions = {}): Promise<Result<PayjpCustomer>> =>
      this.command(merchant, `customers.update ${id}`, input, options, () => customers.updateCustomer(this.ports, merchant, id, input, options), (cid, q) =>
        q.customer(merchant, cid),
      ),
    delete: (merchant: MerchantId, id: string, options: CommandOptions = {}): Promise<Result<Deleted>> =>
      this.deleted(merchant, `customers.delete ${id}`, {}, options, () => customers.deleteCustomer(this.ports, merchant, id, options)),
    list: (merchant: MerchantId, params: ListParams = {}) => this.queries.customers(merchant, params),
    cards: {
      create: (merchant: MerchantId, customer: string, input: inputs.CreateCustomerCardInput, options: CommandOptions = {}): Promise<Result<PayjpCard>> =>
        this.command(merchant, `customers.cards.create ${customer}`, input, options, () => customers.createCustomerCard(this.ports, merchant, customer, input, options), (id, q) =>
          q.customerCard(merchant, customer, id),
        ),
      retrieve: (merchant: MerchantId, customer: string, id: string) => this.queries.customerCard(merchant, customer, id),
      update: (merchant: MerchantId, customer: string, id: string, input: inputs.UpdateCustomerCardInput, options: CommandOptions = {}): Promise<Result<PayjpCard>> =>
        this.command(merchant, `customers.cards.update ${customer} ${id}`, input, options, () => customers.updateCustomerCard(this.ports, merchant, customer, id, input, options), (cid, q) =>
          q.customerCard(merchant, customer, cid),
        ),
      delete: (merchant: MerchantId, customer: string, id: string, options: CommandOptions = {}): Promise<Result<Deleted>> =>
        this.deleted(merchant, `customers.cards.delete ${customer} ${id}`, {}, options, () => customers.deleteCustomerCard(this.ports, merchant, customer, id, options)),
      list: (merchant: MerchantId, customer: string, params: ListParams = {}) => this.queries.customerCards(merchant, customer, params),
    },
  };

  readonly charges = {
    create: (merchant: MerchantId, input: inputs.CreateChargeInput, options: CommandOptions = {}): Promise<Result<PayjpCharge>> =>
      this.command(merchant, 'charges.create', input, options, () => charges.createCharge(this.ports, merchant, input, options), (id, q) => q.charge(merchant, id)),
    retrieve: (merchant: MerchantId, id: string) => this.queries.charge(merchant, id),
    update: (merchant: MerchantId, id: string, input: inputs.UpdateChargeInput, options: CommandOptions = {}): Promise<Result<PayjpCharge>> =>
      this.command(merchant, `charges.update ${id}`, input, options, () => charges.updateCharge(this.ports, merchant, id, input, options), (cid, q) => q.charge(merchant, cid)),
    refund: (merchant: MerchantId, id: string, input: inputs.RefundChargeInput = {}, options: CommandOptions = {}): Promise<Result<PayjpCharge>> =>
      this.command(merchant, `charges.refund ${id}`, input, options, () => charges.refundCharge(this.ports, merchant, id, input, options), (cid, q) => q.charge(merchant, cid)),
    capture: (merchant: MerchantId, id: string, input: inputs.CaptureChargeInput = {}, options: CommandOptions = {}): Promise<Result<PayjpCharge>> =>
      this.command(merchant, `charges.capture ${id}`, input, options, () => charges.captureCharge(this.ports, merchant, id, input, options), (cid, q) => q.charge(merchant, cid)),
    reauth: (merchant: MerchantId, id: string, input: inputs.ReauthChargeInput = {}, options: CommandOptions = {}): Promise<Result<PayjpCharge>> =>
      this.command(merchant, `charges.reauth ${id}`, input, options, () => charges.reauthCharge(this.ports, merchant, id, input, options), (cid, q) => q.charge(merchant, cid)),
    /** Not a PAY.JP endpoint: what a scheduler runs when an authorization's hold lapses. */
    expire: (merchant: MerchantId, id: string): Promise<Result<PayjpCharge>> =>
      this.command(merchant, `charges.expire ${id}`, {}, {}, () => charges.expireCharge(this.ports, merchant, id), (cid, q) => q.charge(merchant, cid)),
    list: (merchant: MerchantId, params: ListParams & { readonly customer?: string } = {}) => this.queries.charges(merchant, params),
  };

  readonly events = {
    retrieve: (merchant: MerchantId, id: string) => this.queries.event(merchant, id),
    list: (merchant: MerchantId, params: Parameters<PayjpQueries['events']>[1] = {}) => this.queries.events(merchant, params),
  };
}
