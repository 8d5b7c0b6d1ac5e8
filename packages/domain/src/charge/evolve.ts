import { match } from 'ts-pattern';
import type { ChargeEvent } from './events.js';
import type { ChargeState } from './state.js';

export const evolveCharge = (state: ChargeState, event: ChargeEvent): ChargeState =>
  match(event)
    .with({ type: 'ChargeSucceeded' }, ({ data }): ChargeState => {
      const facts = {
        chargeId: data.chargeId,
        merchant: data.merchant,
        createdAt: data.at,
        amount: data.amount,
        description: data.description,
        metadata: data.metadata,
        customer: data.customer,
        card: data.card,
        amountRefunded: 0,
        refundReason: null,
      };
      return data.captured
        ? { status: 'captured', capturedAt: data.at, ...facts }
        : { status: 'authorized', expiresAt: data.expiresAt ?? data.at, ...facts };
    })
    .with({ type: 'ChargeFailed' }, ({ data }): ChargeState => ({
      status: 'failed',
      failureCode: data.failureCode,
      failureMessage: data.failureMessage,
      chargeId: data.chargeId,
      merchant: data.merchant,
      createdAt: data.at,
      amount: data.amount,
      description: data.description,
      metadata: data.metadata,
      customer: data.customer,
      card: data.card,
      amountRefunded: 0,
      refundReason: null,
    }))
    .with({ type: 'ChargeCaptured' }, ({ data }): ChargeState => {
      if (state.status !== 'authorized') return state;
      const { expiresAt: _hold, ...facts } = state;
      return { ...facts, status: 'captured', capturedAt: data.at, amountRefunded: state.amountRefunded + data.released };
    })
    .with({ type: 'ChargeRefunded' }, ({ data }): ChargeState => {
      // PAY.JP shows the last reason given: a later refund without one keeps it.
      if (state.status === 'captured')
        return { ...state, amountRefunded: state.amountRefunded + data.amount, refundReason: data.reason ?? state.refundReason };
      if (state.status === 'authorized' || state.status === 'expired') {
        const { status: _was, ...facts } = state;
        const { expiredAt: _lapsed, ...held } = { expiredAt: undefined, ...facts };
        return { ...held, status: 'cancelled', amountRefunded: state.amountRefunded + data.amount, refundReason: data.reason ?? state.refundReason };
      }
      return state;
    })
    .with({ type: 'ChargeReauthorized' }, ({ data }): ChargeState => {
      if (state.status !== 'authorized' && state.status !== 'expired') return state;
      const { expiredAt: _lapsed, ...held } = { expiredAt: undefined, ...state };
      return { ...held, status: 'authorized', expiresAt: data.expiresAt };
    })
    .with({ type: 'ChargeUpdated' }, ({ data }): ChargeState =>
      state.status === 'absent'
        ? state
        : {
            ...state,
            ...(data.description === undefined ? {} : { description: data.description }),
            ...(data.metadata === undefined ? {} : { metadata: data.metadata }),
          },
    )
    .with({ type: 'ChargeExpired' }, ({ data }): ChargeState =>
      state.status === 'authorized' ? { ...state, status: 'expired', expiredAt: data.at } : state,
    )
    .exhaustive();
