import { match } from 'ts-pattern';
import { cardError, domainError, invalidParam, notFound } from '../shared/errors.js';
import { mergeMetadata } from '../shared/metadata.js';
import { chargeAmount, refundAmount, yen } from '../shared/money.js';
import { err, ok, type Result } from '../shared/result.js';
import { boundedText } from '../shared/text.js';
import type { CaptureCharge, ChargeCommand, CreateCharge, ExpireCharge, ReauthCharge, RefundCharge, UpdateCharge } from './commands.js';
import type { ChargeEvent } from './events.js';
import type { ChargeState } from './state.js';
import { authorizationExpiry, chargeTerms, expiryDays, REFUND_WINDOW_MS } from './terms.js';

type ExistingCharge = Exclude<ChargeState, { status: 'absent' }>;

const existing = (command: { merchant: string }, state: ChargeState): ExistingCharge | null =>
  state.status !== 'absent' && state.merchant === command.merchant ? state : null;

const failedPayment = (id: string) =>
  invalidParam('failed_payment', 'id', `Charge ${id} was declined; there is nothing to capture, refund or reauthorize.`);

const createCharge = (command: CreateCharge, state: ChargeState): Result<ChargeEvent[]> => {
  if (state.status !== 'absent')
    return err(domainError('server_error', 500, 'payjp_wrong', null, `Charge id ${command.chargeId} is already taken.`));
  const terms = chargeTerms(command.request);
  if (!terms.ok) return terms;
  const { amount, capture, description, metadata } = terms.value;
  const opening = {
    chargeId: command.chargeId,
    merchant: command.merchant,
    at: command.at,
    amount,
    currency: 'jpy' as const,
    description,
    metadata,
    customer: command.customer,
    card: command.card,
  };
  const { authorization } = command;
  if (authorization.outcome === 'declined')
    return ok([
      {
        type: 'ChargeFailed',
        data: { ...opening, capture, failureCode: authorization.code, failureMessage: authorization.message },
      },
    ]);
  const expiresAt = terms.value.expiryDays === null ? null : authorizationExpiry(command.at, terms.value.expiryDays);
  return ok([{ type: 'ChargeSucceeded', data: { ...opening, captured: capture, expiresAt } }]);
};

const updateCharge = (command: UpdateCharge, state: ChargeState): Result<ChargeEvent[]> => {
  const charge = existing(command, state);
  if (charge === null) return err(notFound('charge', command.chargeId));
  const description = command.description === undefined ? undefined : boundedText(command.description, 'description');
  if (description !== undefined && !description.ok) return description;
  const metadata = command.metadata === undefined ? undefined : mergeMetadata(charge.metadata, command.metadata);
  if (metadata !== undefined && !metadata.ok) return metadata;
  if (description === undefined && metadata === undefined) return ok([]);
  return ok([
    {
      type: 'ChargeUpdated',
      data: {
        chargeId: command.chargeId,
        merchant: command.merchant,
        at: command.at,
        ...(description === undefined ? {} : { description: description.value }),
        ...(metadata === undefined ? {} : { metadata: metadata.value }),
      },
    },
  ]);
};

const refundCharge = (command: RefundCharge, state: ChargeState): Result<ChargeEvent[]> => {
  const charge = existing(command, state);
  if (charge === null) return err(notFound('charge', command.chargeId));
  if (charge.status === 'failed') return err(failedPayment(command.chargeId));
  if (command.reason !== null && command.reason.length > 255)
    return err(invalidParam('invalid_refund_reason', 'refund_reason', 'refund_reason may hold at most 255 characters.'));
  const requested = command.amount === null ? null : refundAmount(command.amount);
  if (requested !== null && !requested.ok) return requested;
  const net = charge.amount - charge.amountRefunded;
  if (net === 0) return err(invalidParam('already_refunded', 'id', `Charge ${command.chargeId} has already been refunded in full.`));
  if (charge.status === 'captured') {
    if (command.at > charge.capturedAt + REFUND_WINDOW_MS)
      return err(invalidParam('refund_limit_exceeded', 'id', 'A charge can be refunded for 180 days after its sale.'));
    if (requested !== null && requested.value > net)
      return err(invalidParam('refund_amount_gt_net', 'amount', `The refund amount exceeds what remains of the charge (${net} yen).`));
  } else if (requested !== null && requested.value !== charge.amount) {
    // Refunding an uncaptured charge cancels its authorization, which cannot be done in part.
    return err(invalidParam('invalid_amount_to_not_captured', 'amount', 'An uncaptured charge can only be refunded in full.'));
  }
  return ok([
    {
      type: 'ChargeRefunded',
      data: { chargeId: command.chargeId, merchant: command.merchant, at: command.at, amount: requested?.value ?? yen(net), reason: command.reason },
    },
  ]);
};

const captureCharge = (command: CaptureCharge, state: ChargeState): Result<ChargeEvent[]> => {
  const charge = existing(command, state);
  if (charge === null) return err(notFound('charge', command.chargeId));
  if (charge.status === 'failed') return err(failedPayment(command.chargeId));
  if (charge.status === 'captured') return err(invalidParam('already_captured', 'id', `Charge ${command.chargeId} is already captured.`));
  if (charge.status === 'cancelled')
    return err(invalidParam('cant_capture_refunded_charge', 'id', `Charge ${command.chargeId} was refunded and cannot be captured.`));
  if (charge.status === 'expired' || command.at > charge.expiresAt)
    return err(invalidParam('charge_expired', 'id', `The authorization of charge ${command.chargeId} has expired.`));
  const amount = command.amount === null ? null : chargeAmount(command.amount);
  if (amount !== null && !amount.ok) return amount;
  if (amount !== null && amount.value > charge.amount)
    return err(invalidParam('capture_amount_gt_net', 'amount', `The capture amount exceeds the authorized ${charge.amount} yen.`));
  const captured = amount?.value ?? charge.amount;
  return ok([
    {
      type: 'ChargeCaptured',
      data: { chargeId: command.chargeId, merchant: command.merchant, at: command.at, amount: captured, released: yen(charge.amount - captured) },
    },
  ]);
};

const reauthCharge = (command: ReauthCharge, state: ChargeState): Result<ChargeEvent[]> => {
  const charge = existing(command, state);
  if (charge === null) return err(notFound('charge', command.chargeId));
  if (charge.status === 'failed') return err(failedPayment(command.chargeId));
  if (charge.status === 'cancelled')
    return err(invalidParam('cant_reauth_refunded_charge', 'id', `Charge ${command.chargeId} was refunded and cannot be reauthorized.`));
  if (charge.status === 'captured') return err(invalidParam('already_captured', 'id', `Charge ${command.chargeId} is already captured.`));
  const days = expiryDays(command.expiryDays);
  if (!days.ok) return days;
  if (command.authorization.outcome === 'declined')
    return err({ ...cardError(command.authorization.code, 'card', command.authorization.message), charge: command.chargeId });
  return ok([
    {
      type: 'ChargeReauthorized',
      data: { chargeId: command.chargeId, merchant: command.merchant, at: command.at, expiresAt: authorizationExpiry(command.at, days.value) },
    },
  ]);
};

const expireCharge = (command: ExpireCharge, state: ChargeState): Result<ChargeEvent[]> => {
  const charge = existing(command, state);
  if (charge === null) return err(notFound('charge', command.chargeId));
  return charge.status === 'authorized' && command.at > charge.expiresAt
    ? ok([{ type: 'ChargeExpired', data: { chargeId: command.chargeId, merchant: command.merchant, at: command.at } }])
    : ok([]);
};

export const decideCharge = (command: ChargeCommand, state: ChargeState): Result<ChargeEvent[]> =>
  match(command)
    .with({ type: 'CreateCharge' }, (c) => createCharge(c, state))
    .with({ type: 'UpdateCharge' }, (c) => updateCharge(c, state))
    .with({ type: 'RefundCharge' }, (c) => refundCharge(c, state))
    .with({ type: 'CaptureCharge' }, (c) => captureCharge(c, state))
    .with({ type: 'ReauthCharge' }, (c) => reauthCharge(c, state))
    .with({ type: 'ExpireCharge' }, (c) => expireCharge(c, state))
    .exhaustive();
