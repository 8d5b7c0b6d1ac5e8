import type {
  Authorization,
  CardNetwork,
  ChargeId,
  InspectedCard,
  MerchantId,
  NetworkCharge,
  Screening,
  Yen,
} from '@kessai/domain';
import { match } from 'ts-pattern';
import { testCardEffect, type DeclineCode } from './test-cards.js';

/** One call the network received after tokenization. It holds ids and amounts, never card data. */
export type NetworkCall =
  | {
      readonly kind: 'authorize' | 'reauthorize';
      readonly merchant: MerchantId;
      readonly charge: ChargeId;
      readonly amount: Yen;
      readonly at: number;
      readonly outcome: Authorization['outcome'];
      readonly code: DeclineCode | null;
    }
  | {
      readonly kind: 'capture' | 'refund';
      readonly merchant: MerchantId;
      readonly charge: ChargeId;
      readonly amount: Yen;
      readonly at: number;
    };

const approved: Authorization = Object.freeze({ outcome: 'approved' });

/**
 * The card network in test mode, following PAY.JP's test cards (see test-cards.ts): some cards are refused at
 * tokenization, some declined at charge time, all others accepted. Deterministic: the answer depends on the card
 * and the amount only. The latest charge-level calls (10,000 by default) are kept in `calls` for tests; older ones
 * are forgotten so that a long run or a server does not grow without bound.
 */
export class TestModeCardNetwork implements CardNetwork {
  readonly #calls: NetworkCall[] = [];
  readonly #keep: number;

  constructor(options: { readonly keepCalls?: number } = {}) {
    this.#keep = options.keepCalls ?? 10_000;
  }

  #record(call: NetworkCall): void {
    this.#calls.push(call);
    // Drop the oldest half at once, so recording stays O(1) amortised.
    if (this.#calls.length > this.#keep) this.#calls.splice(0, this.#calls.length - Math.floor(this.#keep / 2));
  }

  /** The calls received so far, oldest first (a copy). */
  get calls(): readonly NetworkCall[] {
    return [...this.#calls];
  }

  async screen({ card }: { readonly card: InspectedCard; readonly at: number }): Promise<Screening> {
    const effect = testCardEffect(card.pan.reveal(), 'token');
    const zipGiven = card.holder.addressZip !== null;
    const accepted = { outcome: 'accepted', addressZipCheck: zipGiven ? 'passed' : 'unchecked', issuedInJapan: true } as const;
    if (effect === undefined) return accepted;
    return match(effect)
      .returnType<Screening>()
      .with({ kind: 'refused' }, ({ code, message }) => ({ outcome: 'refused', code, message }))
      .with({ kind: 'address_zip_check_failed' }, () => ({ ...accepted, addressZipCheck: 'failed' }))
      .with({ kind: 'issued_outside_japan' }, () => ({ ...accepted, issuedInJapan: false }))
      .exhaustive();
  }

  async authorize(request: NetworkCharge): Promise<Authorization> {
    return this.#authorization('authorize', request);
  }

  /** A new authorization for the same charge: the card answers as it would to a first one. */
  async reauthorize(request: NetworkCharge): Promise<Authorization> {
    return this.#authorization('reauthorize', request);
  }

  async capture(request: NetworkCharge): Promise<void> {
    this.#record(callOf('capture', request));
  }

  async refund(request: NetworkCharge): Promise<void> {
    this.#record(callOf('refund', request));
  }

  #authorization(kind: 'authorize' | 'reauthorize', request: NetworkCharge): Authorization {
    const effect = testCardEffect(request.pan.reveal(), 'charge');
    const declines = effect !== undefined && (effect.aboveYen === undefined || request.amount > effect.aboveYen);
    const result: Authorization = declines ? { outcome: 'declined', code: effect.code, message: effect.message } : approved;
    this.#record({ ...callOf(kind, request), outcome: result.outcome, code: result.outcome === 'declined' ? result.code : null });
    return result;
  }
}

const callOf = <K extends NetworkCall['kind']>(kind: K, request: NetworkCharge) => ({
  kind,
  merchant: request.merchant,
  charge: request.charge,
  amount: request.amount,
  at: request.at,
});
