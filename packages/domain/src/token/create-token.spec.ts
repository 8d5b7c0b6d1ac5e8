import { describe, it } from 'vitest';
import type { Screening } from '../ports/card-ports.js';
import { cardFacts, createToken, cvcDecision, holder, specFor, tokenCreated } from '../testing/index.js';
import { tokenDecider } from './index.js';

const spec = specFor(tokenDecider);

describe('CreateToken', () => {
  it('records the card facts, the holder, the cvc decision and what the network screening said', () => {
    const cardholder = holder({ country: 'JP', email: 'taro@example.jp' });
    const screening: Screening = { outcome: 'accepted', addressZipCheck: 'failed', issuedInJapan: false };
    spec()
      .when(createToken({ holder: cardholder, screening }))
      .then([tokenCreated({ holder: cardholder, card: cardFacts({ addressZipCheck: 'failed', issuedInJapan: false }) })]);
  });

  it('records the cvc decision as the verifier gave it, whether a CVC was supplied and who checked it', () => {
    const incident = cvcDecision({ check: 'unchecked', supplied: true, verifier: { name: 'faulty-verifier', version: '2.3.1' } });
    const screening: Screening = { outcome: 'accepted', addressZipCheck: 'unchecked', issuedInJapan: true };
    spec()
      .when(createToken({ cvc: incident, screening }))
      .then([tokenCreated({ cvc: incident, card: cardFacts({ addressZipCheck: 'unchecked' }) })]);
  });

  it('records a card without a CVC as unchecked and not supplied', () => {
    const noCvc = cvcDecision({ check: 'unchecked', supplied: false });
    spec().when(createToken({ cvc: noCvc })).then([tokenCreated({ cvc: noCvc })]);
  });

  it.each(['card_declined', 'expired_card', 'invalid_cvc', 'processing_error'] as const)(
    'refuses a card the network screening refused with %s, as a 402 card error',
    (code) => {
      spec()
        .when(createToken({ screening: { outcome: 'refused', code, message: 'Refused by the network.' } }))
        .thenFails(code, { status: 402, type: 'card_error', param: 'card' });
    },
  );

  it.each(['passed', 'failed', 'unavailable'] as const)('refuses a verifier that answered %s for a card without a CVC', (check) => {
    spec()
      .when(createToken({ cvc: cvcDecision({ check, supplied: false }) }))
      .thenFails('payjp_wrong', { status: 500, type: 'server_error' });
  });

  it('refuses a token id that is already taken', () => {
    spec(tokenCreated()).when(createToken()).thenFails('payjp_wrong', { status: 500 });
  });
});

