import { cardError, type DomainError } from '../shared/errors.js';
import type { Decider } from '../shared/decider.js';
import type { ChargeCommand } from './commands.js';
import { decideCharge } from './decide.js';
import type { ChargeEvent } from './events.js';
import { evolveCharge } from './evolve.js';
import { initialChargeState, type ChargeState } from './state.js';

export type { CaptureCharge, ChargeCommand, CreateCharge, ExpireCharge, ReauthCharge, RefundCharge, UpdateCharge } from './commands.js';
export type {
  ChargeCaptured,
  ChargeEvent,
  ChargeExpired,
  ChargeFailed,
  ChargeReauthorized,
  ChargeRefunded,
  ChargeSucceeded,
  ChargeUpdated,
  DeclineCode,
} from './events.js';
export { chargedCardFromCard, chargedCardFromToken, type ChargedCard } from './snapshot.js';
export type { ChargeState } from './state.js';
export { authorizationExpiry, chargeTerms, DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, REFUND_WINDOW_MS, type ChargeRequest, type ChargeTerms } from './terms.js';
export { decideCharge, evolveCharge, initialChargeState };

export const chargeStream = (id: string) => `charge-${id}`;

/** Every event type this aggregate's stream holds; a missing one fails to compile. */
export const chargeEventTypes: ReadonlySet<ChargeEvent['type']> = new Set(Object.keys({ ChargeSucceeded: true, ChargeFailed: true, ChargeCaptured: true, ChargeRefunded: true, ChargeReauthorized: true, ChargeUpdated: true, ChargeExpired: true } satisfies Record<ChargeEvent['type'], true>) as ChargeEvent['type'][]);

export const chargeDecider: Decider<ChargeCommand, ChargeState, ChargeEvent> = {
  decide: decideCharge,
  evolve: evolveCharge,
  initialState: initialChargeState,
};

/** The error PAY.JP answers for a declined charge: a 402 card error that names the failed charge. */
export const declineError = (event: Extract<ChargeEvent, { type: 'ChargeFailed' }>): DomainError => ({
  ...cardError(event.data.failureCode, 'card', event.data.failureMessage),
  charge: event.data.chargeId,
});
