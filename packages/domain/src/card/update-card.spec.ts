import { describe, expect, it } from 'vitest';
import { foldEvents } from '../shared/decider.js';
import { cardCreatedFrom, cardIdOf, customerIdOf, HOUR_MS, merchant, otherMerchant, specFor, T0, tokenCreated } from '../testing/index.js';
import type { UpdateCard } from './commands.js';
import type { CardDeleted, CardUpdated } from './events.js';
import { cardDecider } from './index.js';

const spec = specFor(cardDecider);
const created = cardCreatedFrom(tokenCreated(), { metadata: { plan: 'gold', region: 'kanto' } });
const at = T0 + 2 * HOUR_MS;

const updateCard = (overrides: Partial<UpdateCard> = {}): UpdateCard => ({
  type: 'UpdateCard',
  cardId: cardIdOf(1),
  merchant,
  customer: customerIdOf(1),
  at,
  holder: {},
  ...overrides,
});

const cardUpdated = (data: Partial<CardUpdated['data']>): CardUpdated => ({
  type: 'CardUpdated',
  data: { cardId: cardIdOf(1), merchant, customer: customerIdOf(1), at, holder: {}, ...data },
});

const manyKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, 'v']));

describe('UpdateCard', () => {
  it("records the holder patch, and the card's holder after it keeps the fields not sent", () => {
    const patch = { name: 'HANAKO YAMADA', addressCity: '渋谷区', country: null };
    spec(created).when(updateCard({ holder: patch })).then([cardUpdated({ holder: patch })]);
    const state = foldEvents(cardDecider, [created, cardUpdated({ holder: patch })]);
    expect(state).toMatchObject({ holder: { ...created.data.holder, ...patch } });
  });

  it('records nothing when nothing is sent', () => {
    spec(created).when(updateCard()).thenNothingHappens();
  });

  it('merges metadata: new keys are added, a key sent empty is removed', () => {
    spec(created)
      .when(updateCard({ metadata: { region: '', tier: '2' } }))
      .then([cardUpdated({ metadata: { plan: 'gold', tier: '2' } })]);
  });

  it('allows 20 keys after the merge, counting the keys it removes', () => {
    const full = cardCreatedFrom(tokenCreated(), { metadata: manyKeys(20) });
    const { key0: _removed, ...kept } = manyKeys(20);
    spec(full)
      .when(updateCard({ metadata: { key0: '', extra: 'v' } }))
      .then([cardUpdated({ metadata: { ...kept, extra: 'v' } })]);
  });

  it('refuses a merge that leaves more than 20 keys', () => {
    const full = cardCreatedFrom(tokenCreated(), { metadata: manyKeys(20) });
    spec(full).when(updateCard({ metadata: { extra: 'v' } })).thenFails('too_many_metadata_keys', { status: 400, param: 'metadata' });
  });

  it('refuses a metadata value over 500 characters and a key over 40', () => {
    spec(created).when(updateCard({ metadata: { note: 'x'.repeat(501) } })).thenFails('invalid_metadata_value', { param: 'metadata[note]' });
    spec(created).when(updateCard({ metadata: { ['k'.repeat(41)]: 'v' } })).thenFails('invalid_metadata_key', { status: 400 });
  });

  it.each([
    [{ name: '' }, 'invalid_card_name', 'name'],
    [{ name: 'N'.repeat(46) }, 'invalid_card_name', 'name'],
    [{ addressState: 'S'.repeat(41) }, 'invalid_card_address_state', 'address_state'],
    [{ addressCity: 'C'.repeat(41) }, 'invalid_card_address_city', 'address_city'],
    [{ addressLine1: 'L'.repeat(101) }, 'invalid_card_address_line', 'address_line1'],
    [{ addressZip: '1'.repeat(21) }, 'invalid_card_address_zip', 'address_zip'],
    [{ country: 'Japan' }, 'invalid_card_country', 'country'],
    [{ email: 'hanako@' }, 'invalid_email', 'email'],
    [{ phone: 'call me' }, 'invalid_param_key', 'phone'],
  ] as const)('refuses holder %o as %s, naming the top-level parameter %s', (patch, code, param) => {
    spec(created).when(updateCard({ holder: patch })).thenFails(code, { status: 400, type: 'invalid_request_error', param });
  });

  it('never touches the cvc decision, however many updates follow', () => {
    const updates = Array.from({ length: 5 }, (_, i) => cardUpdated({ holder: { name: `NAME ${i}` }, metadata: { round: String(i) } }));
    const state = foldEvents(cardDecider, [created, ...updates]);
    expect(state).toMatchObject({ cvc: created.data.cvc, cvcSource: created.data.cvcSource });
  });
});

describe('UpdateCard on a card the caller does not have', () => {
  const deleted: CardDeleted = { type: 'CardDeleted', data: { cardId: cardIdOf(1), merchant, customer: customerIdOf(1), at: T0 + HOUR_MS } };

  it.each([
    ['an unknown card', [], updateCard()],
    ["another merchant's card", [created], updateCard({ merchant: otherMerchant })],
    ["another customer's card", [created], updateCard({ customer: customerIdOf(2) })],
    ['a deleted card', [created, deleted], updateCard()],
  ] as const)('answers invalid_id for %s', (_, given, command) => {
    spec(...given).when(command).thenFails('invalid_id', { status: 404, param: 'id' });
  });
});
