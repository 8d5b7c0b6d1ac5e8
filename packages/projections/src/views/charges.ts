import { chargeEventTypes, toUnixSeconds, type ChargedCard } from '@kessai/domain';
import { renderCard, type PayjpCard } from '../render/card.js';
import type { PayjpCharge } from '../render/resources.js';
import type { DocumentAccess, View } from '../view.js';
import { collections } from './collections.js';

/** The card embedded in a charge: the snapshot the charge event carries, cvc_check included, as it was then. */
export const renderChargedCard = (snapshot: ChargedCard): PayjpCard =>
  renderCard({
    card: snapshot.card,
    holder: snapshot.holder,
    cvc: snapshot.cvc,
    customer: snapshot.customer,
    metadata: snapshot.metadata,
    createdAt: snapshot.createdAt,
    livemode: false,
  });

/**
 * Builds the charges view. `embedCard` renders the card a charge shows; it is a parameter so that a test can
 * deploy a deliberately wrong rendering and prove that a rebuild corrects exactly the charges it got wrong.
 */
export const makeChargesView = (
  embedCard: (snapshot: ChargedCard, docs: DocumentAccess, merchant: string) => PayjpCard = renderChargedCard,
): View => ({
  name: 'charges',
  collections: [collections.charges],
  handles: chargeEventTypes,
  apply: ({ event, position }, docs) => {
    if (event.type === 'ChargeSucceeded' || event.type === 'ChargeFailed') {
      const { data } = event;
      const succeeded = event.type === 'ChargeSucceeded';
      const captured = succeeded && event.data.captured;
      const charge: PayjpCharge = {
        amount: data.amount,
        amount_refunded: 0,
        captured,
        captured_at: captured ? toUnixSeconds(data.at) : null,
        card: embedCard(data.card, docs, data.merchant),
        created: toUnixSeconds(data.at),
        currency: 'jpy',
        customer: data.customer,
        description: data.description,
        expired_at: succeeded && event.data.expiresAt !== null ? toUnixSeconds(event.data.expiresAt) : null,
        failure_code: succeeded ? null : event.data.failureCode,
        failure_message: succeeded ? null : event.data.failureMessage,
        fee_rate: null,
        id: data.chargeId,
        livemode: false,
        metadata: data.metadata,
        object: 'charge',
        paid: succeeded,
        refund_reason: null,
        refunded: false,
        subscription: null,
        term_id: null,
        three_d_secure_status: null,
      };
      docs.put(collections.charges, data.merchant, data.chargeId, charge, {
        merchant: data.merchant,
        created: charge.created,
        seq: position,
        keys: data.customer === null ? {} : { customer: data.customer },
      });
      return;
    }
    if (!('chargeId' in event.data)) return;
    const { merchant, chargeId } = event.data;
    const charge = docs.get<PayjpCharge>(collections.charges, merchant, chargeId);
    if (charge === null) return;
    const put = (next: PayjpCharge) => docs.put(collections.charges, merchant, chargeId, next, null);
    switch (event.type) {
      case 'ChargeCaptured':
        put({
          ...charge,
          captured: true,
          captured_at: toUnixSeconds(event.data.at),
          expired_at: null,
          amount_refunded: charge.amount_refunded + event.data.released,
        });
        return;
      case 'ChargeRefunded':
        // The last reason given (PAYJP-API.md 1.4): a later refund without one keeps it.
        put({ ...charge, refunded: true, amount_refunded: charge.amount_refunded + event.data.amount, refund_reason: event.data.reason ?? charge.refund_reason });
        return;
      case 'ChargeReauthorized':
        put({ ...charge, expired_at: toUnixSeconds(event.data.expiresAt) });
        return;
      case 'ChargeUpdated':
        put({
          ...charge,
          ...(event.data.description === undefined ? {} : { description: event.data.description }),
          ...(event.data.metadata === undefined ? {} : { metadata: event.data.metadata }),
        });
        return;
      case 'ChargeExpired':
        // expired_at already holds the instant the hold lapsed; the charge stays uncaptured and unpaid out.
        return;
      default:
        return;
    }
  },
});

export const chargesView = makeChargesView();
