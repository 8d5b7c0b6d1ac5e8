/**
 * Small builders for specs: valid events and commands with PAY.JP-shaped ids, each taking overrides for the one
 * thing a spec is about. Defaults belong to one merchant, one customer, one token, one card and one charge.
 */
import type { InspectedCard } from '../card-data/inspect.js';
import type { CardCreated, CardEvent } from '../card/events.js';
import { initialCardState } from '../card/state.js';
import { evolveCard } from '../card/evolve.js';
import type { CreateCharge } from '../charge/commands.js';
import type { ChargeCaptured, ChargeExpired, ChargeFailed, ChargeReauthorized, ChargeRefunded, ChargeSucceeded, DeclineCode } from '../charge/events.js';
import { chargedCardFromToken, type ChargedCard } from '../charge/snapshot.js';
import { authorizationExpiry, DEFAULT_EXPIRY_DAYS, type ChargeRequest } from '../charge/terms.js';
import type { NewCard } from '../customer/commands.js';
import type { CardAttached, CustomerCreated, DefaultCardChanged } from '../customer/events.js';
import type { Authorization, Screening } from '../ports/card-ports.js';
import { emptyHolder, type CardFacts, type CardHolder } from '../shared/card.js';
import type { CvcDecision, VerifierIdentity } from '../shared/cvc.js';
import { foldEvents } from '../shared/decider.js';
import { unsafeId, type CardId, type ChargeId, type CustomerId, type MerchantId, type TokenId } from '../shared/ids.js';
import { yen } from '../shared/money.js';
import { DAY_MS } from '../shared/time.js';
import type { CreateToken } from '../token/commands.js';
import type { TokenCreated, TokenUse, TokenUsed } from '../token/events.js';
import { tokenDecider } from '../token/index.js';
import type { TokenState } from '../token/state.js';

export const merchant: MerchantId = unsafeId.merchant('acct_merchant_a');
export const otherMerchant: MerchantId = unsafeId.merchant('acct_merchant_b');

export const HOUR_MS = 60 * 60 * 1000;
/** 2030-03-10 10:00 JST: far from any day or month boundary in Japan, so specs that add hours stay on that day. */
export const T0 = Date.UTC(2030, 2, 10, 1, 0, 0);
export const daysAfter = (at: number, days: number) => at + days * DAY_MS;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** PAY.JP-shaped ids numbered from 1: prefix + hex, 32 characters. */
export const tokenIdOf = (n: number): TokenId => unsafeId.token(`tok_${hex(n, 28)}`);
export const cardIdOf = (n: number): CardId => unsafeId.card(`car_${hex(n, 28)}`);
export const customerIdOf = (n: number): CustomerId => unsafeId.customer(`cus_${hex(n, 28)}`);
export const chargeIdOf = (n: number): ChargeId => unsafeId.charge(`ch_${hex(n, 29)}`);

export const testVerifier: VerifierIdentity = { name: 'test-mode-verifier', version: '1.0.0' };

export const cvcDecision = (overrides: Partial<CvcDecision> = {}): CvcDecision => ({
  check: 'passed',
  supplied: true,
  verifier: testVerifier,
  ...overrides,
});

export const holder = (overrides: Partial<CardHolder> = {}): CardHolder => ({ ...emptyHolder, name: 'TARO YAMADA', ...overrides });

export const cardFacts = (overrides: Partial<CardFacts> = {}): CardFacts => ({
  id: cardIdOf(1),
  brand: 'Visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2031,
  fingerprint: 'fp_visa_4242',
  vaultRef: unsafeId.vault('vault_1'),
  addressZipCheck: 'unchecked',
  issuedInJapan: true,
  ...overrides,
});

// ---- token

/** Matches cardFacts(): so `createToken()` decides exactly `tokenCreated()`. */
export const accepted: Screening = { outcome: 'accepted', addressZipCheck: 'unchecked', issuedInJapan: true };

export const createToken = (overrides: Partial<CreateToken> = {}): CreateToken => {
  const { addressZipCheck: _zip, issuedInJapan: _jp, ...card } = cardFacts();
  return {
    type: 'CreateToken',
    tokenId: tokenIdOf(1),
    merchant,
    at: T0,
    card,
    holder: holder(),
    cvc: cvcDecision(),
    screening: accepted,
    livemode: false,
    ...overrides,
  };
};

/** The command the application would build for inspected card data; `n` numbers the ids, fingerprint and vault ref. */
export const createTokenFor = (card: InspectedCard, n: number, at: number, verifier: VerifierIdentity = testVerifier): CreateToken =>
  createToken({
    tokenId: tokenIdOf(n),
    at,
    card: {
      id: cardIdOf(n),
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      fingerprint: `fp-${n}`,
      vaultRef: unsafeId.vault(`vault-${n}`),
    },
    holder: card.holder,
    cvc: { check: card.cvc === null ? 'unchecked' : 'passed', supplied: card.cvc !== null, verifier },
  });

export const tokenCreated = (overrides: Partial<TokenCreated['data']> = {}): TokenCreated => ({
  type: 'TokenCreated',
  data: { tokenId: tokenIdOf(1), merchant, at: T0, card: cardFacts(), holder: holder(), cvc: cvcDecision(), livemode: false, ...overrides },
});

export const tokenUsed = (usedFor: TokenUse, overrides: Partial<TokenUsed['data']> = {}): TokenUsed => ({
  type: 'TokenUsed',
  data: { tokenId: tokenIdOf(1), merchant, at: T0 + HOUR_MS, usedFor, ...overrides },
});

export type RecordedToken = Extract<TokenState, { status: 'active' | 'used' }>;

/** The token's state after its events, as a command that copies from a token receives it. */
export const tokenState = (...events: [TokenCreated, ...(TokenCreated | TokenUsed)[]]): RecordedToken => {
  const state = foldEvents(tokenDecider, events);
  if (state.status === 'absent') throw new Error('a token state needs a TokenCreated');
  return state;
};

// ---- card

export const cardCreatedFrom = (token: TokenCreated, overrides: Partial<CardCreated['data']> = {}): CardCreated => ({
  type: 'CardCreated',
  data: {
    cardId: token.data.card.id,
    merchant: token.data.merchant,
    customer: customerIdOf(1),
    at: token.data.at + HOUR_MS,
    card: token.data.card,
    holder: token.data.holder,
    cvc: token.data.cvc,
    cvcSource: { token: token.data.tokenId },
    metadata: {},
    ...overrides,
  },
});

export type ActiveCard = Extract<ReturnType<typeof evolveCard>, { status: 'active' }>;

export const activeCard = (...events: [CardCreated, ...CardEvent[]]): ActiveCard => {
  const state = events.reduce(evolveCard, initialCardState);
  if (state.status !== 'active') throw new Error('these card events do not leave an active card');
  return state;
};

// ---- customer

export const customerCreated = (overrides: Partial<CustomerCreated['data']> = {}): CustomerCreated => ({
  type: 'CustomerCreated',
  data: { customerId: customerIdOf(1), merchant, at: T0, email: null, description: null, metadata: {}, ...overrides },
});

/** A card made from token n, as a customer command attaches it. */
export const newCard = (n: number, overrides: Partial<NewCard> = {}): NewCard => ({
  card: cardIdOf(n),
  fingerprint: `fp_${n}`,
  expMonth: 12,
  expYear: 2031,
  ...overrides,
});

const customerScope = (at: number) => ({ customerId: customerIdOf(1), merchant, at });

export const cardAttached = (card: NewCard, at = T0): CardAttached => ({ type: 'CardAttached', data: { ...customerScope(at), ...card } });

export const defaultCardChanged = (card: CardId | null, at = T0): DefaultCardChanged => ({
  type: 'DefaultCardChanged',
  data: { ...customerScope(at), card },
});

// ---- charge

export const approved: Authorization = { outcome: 'approved' };
export const declined = (code: DeclineCode = 'card_declined'): Authorization => ({ outcome: 'declined', code, message: 'The card was declined.' });

export const chargeRequest = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  amount: 1000,
  currency: 'jpy',
  capture: true,
  expiryDays: null,
  description: null,
  metadata: {},
  ...overrides,
});

export const chargedCard = (token: TokenCreated = tokenCreated()): ChargedCard => chargedCardFromToken(tokenState(token));

export const createCharge = (overrides: Partial<CreateCharge> = {}): CreateCharge => ({
  type: 'CreateCharge',
  chargeId: chargeIdOf(1),
  merchant,
  at: T0,
  request: chargeRequest(),
  customer: null,
  card: chargedCard(),
  authorization: approved,
  ...overrides,
});

const chargeScope = (at: number) => ({ chargeId: chargeIdOf(1), merchant, at });

/** A charge of 1,000 yen captured at T0. */
export const chargeSucceeded = (overrides: Partial<ChargeSucceeded['data']> = {}): ChargeSucceeded => ({
  type: 'ChargeSucceeded',
  data: {
    ...chargeScope(T0),
    amount: yen(1000),
    currency: 'jpy',
    description: null,
    metadata: {},
    customer: null,
    card: chargedCard(),
    captured: true,
    expiresAt: null,
    ...overrides,
  },
});

/** A charge of 1,000 yen authorized at T0 and held for the default 7 days. */
export const chargeAuthorized = (overrides: Partial<ChargeSucceeded['data']> = {}): ChargeSucceeded =>
  chargeSucceeded({ captured: false, expiresAt: authorizationExpiry(T0, DEFAULT_EXPIRY_DAYS), ...overrides });

/** A charge of 1,000 yen the network declined at T0. */
export const chargeFailed = (failureCode: DeclineCode = 'card_declined', overrides: Partial<ChargeFailed['data']> = {}): ChargeFailed => {
  const { captured, expiresAt: _expiresAt, ...opening } = chargeSucceeded().data;
  return { type: 'ChargeFailed', data: { ...opening, capture: captured, failureCode, failureMessage: 'The card was declined.', ...overrides } };
};

export const chargeCaptured = (amount: number, released: number, at = T0 + HOUR_MS): ChargeCaptured => ({
  type: 'ChargeCaptured',
  data: { ...chargeScope(at), amount: yen(amount), released: yen(released) },
});

export const chargeRefunded = (amount: number, at = T0 + 2 * HOUR_MS, reason: string | null = null): ChargeRefunded => ({
  type: 'ChargeRefunded',
  data: { ...chargeScope(at), amount: yen(amount), reason },
});

export const chargeReauthorized = (expiresAt: number, at: number): ChargeReauthorized => ({
  type: 'ChargeReauthorized',
  data: { ...chargeScope(at), expiresAt },
});

export const chargeExpired = (at: number): ChargeExpired => ({ type: 'ChargeExpired', data: chargeScope(at) });
