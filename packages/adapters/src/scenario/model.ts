import type { MerchantId, StoredEvent } from '@kessai/domain';
import type { SeededRandom } from '../test-mode/seeded.js';
import { emptyCounts, stringField, type OperationCounts } from './api.js';
import type { WorkloadCard } from './cards.js';
import { Fifo, Pool } from './pool.js';

/**
 * What the workload remembers about the objects it made, to pick valid targets for later calls without asking
 * the read models. Only what it needs: ids, the test card behind each card and charge (to predict declines),
 * and charge amounts and states (to stay within PAY.JP's capture and refund rules). Where the library decides
 * (which card becomes a customer's default), the model follows the recorded events instead of guessing.
 */
export interface TokenRecord {
  readonly id: string;
  readonly card: WorkloadCard;
  readonly cvc: boolean;
  /** Created inside the fault window. */
  readonly window: boolean;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface CardRecord {
  readonly id: string;
  readonly token: TokenRecord;
}

export interface CustomerRecord {
  readonly id: string;
  /** Live cards, in the order they were attached. */
  readonly cards: CardRecord[];
  defaultCard: string | null;
}

export interface ChargeRecord {
  readonly id: string;
  readonly amount: number;
  readonly card: WorkloadCard;
  status: 'authorized' | 'captured' | 'closed';
  /** What a refund may still return (captured charges). */
  net: number;
  /** When an authorization lapses (epoch ms); null once captured. */
  expiresAt: number | null;
  /** Matches the short-hold queue entry that tracks this authorization; 0 when none does. */
  holdTicket: number;
}

const CUSTOMER_CAPACITY = 4096;
const CHARGE_CAPACITY = 2048;
const USED_TOKEN_MEMORY = 16;

export class MerchantModel {
  readonly id: MerchantId;
  readonly counts: OperationCounts = emptyCounts();
  readonly customers: Pool<CustomerRecord>;
  /** Uncaptured, unrefunded, unexpired authorizations. */
  readonly authorized: Pool<ChargeRecord>;
  /** Captured charges with something left to refund. */
  readonly refundable: Pool<ChargeRecord>;
  /** Recent charges in any state (declined ones too), for updates. */
  readonly recentCharges: Pool<ChargeRecord>;
  /** Authorizations held for one day, in the order they lapse. */
  readonly shortHolds = new Fifo<{ readonly charge: ChargeRecord; readonly ticket: number }>();
  /** Recently spent tokens, to try spending again on purpose (token_already_used). */
  readonly usedTokens: string[] = [];
  customIds = 0;
  expired = 0;
  #tickets = 0;

  constructor(id: MerchantId, random: SeededRandom) {
    this.id = id;
    this.customers = new Pool(random, CUSTOMER_CAPACITY);
    this.authorized = new Pool(random, CHARGE_CAPACITY);
    this.refundable = new Pool(random, CHARGE_CAPACITY);
    this.recentCharges = new Pool(random, CHARGE_CAPACITY);
  }

  tokenSpent(id: string): void {
    this.usedTokens.push(id);
    if (this.usedTokens.length > USED_TOKEN_MEMORY) this.usedTokens.shift();
  }

  /** Tracks an authorization that lapses at the end of today (Japan time) so it can be expired later. */
  holdShort(charge: ChargeRecord): void {
    charge.holdTicket = ++this.#tickets;
    this.shortHolds.push({ charge, ticket: charge.holdTicket });
  }

  /** The oldest short hold that has lapsed at `now` and is still authorized, removed from the queue. */
  takeLapsed(now: number): ChargeRecord | undefined {
    const charge = this.nextHold();
    if (charge === undefined || charge.expiresAt === null || charge.expiresAt >= now) return undefined;
    this.shortHolds.shift();
    return charge;
  }

  /** The next short hold still authorized, lapsed or not (left in the queue). */
  nextHold(): ChargeRecord | undefined {
    for (;;) {
      const head = this.shortHolds.peek();
      if (head === undefined) return undefined;
      if (head.charge.holdTicket === head.ticket && head.charge.status === 'authorized' && head.charge.expiresAt !== null) return head.charge;
      this.shortHolds.shift();
    }
  }

  chargeClosed(charge: ChargeRecord): void {
    charge.status = 'closed';
    charge.holdTicket = 0;
    this.authorized.remove(charge);
    this.refundable.remove(charge);
  }
}

/** Follows the default card the library chose, from the DefaultCardChanged events a call recorded. */
export const followDefaultCard = (customer: CustomerRecord, recorded: readonly StoredEvent[]): void => {
  for (const event of recorded)
    if (event.type === 'DefaultCardChanged') customer.defaultCard = stringField(event.data, 'card') ?? null;
};

export const defaultCardOf = (customer: CustomerRecord): CardRecord | undefined =>
  customer.defaultCard === null ? undefined : customer.cards.find((c) => c.id === customer.defaultCard);
