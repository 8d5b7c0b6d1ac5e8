import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cardDecider } from '../card/index.js';
import type { StoredEvent } from '../ports/event-store.js';
import { hasIncidentSignature } from '../shared/cvc.js';
import { unsafeId } from '../shared/ids.js';
import { tokenState } from '../testing/index.js';
import type { TokenCreated } from '../token/events.js';
import { decodeEvent, encodeEvent, EventDecodingError } from './registry.js';

const fixture = new URL('../../../../test/fixtures/token-created-v1.jsonl', import.meta.url);
const recorded: StoredEvent[] = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));

const v1Data = (stored: StoredEvent) => stored.data as { cvcCheck: string } & Record<string, unknown>;

const decodeTokenCreated = (stored: StoredEvent): TokenCreated => {
  const event = decodeEvent(stored);
  if (event.type !== 'TokenCreated') throw new Error(`expected TokenCreated, got ${event.type}`);
  return event;
};

describe('TokenCreated v1, recorded before the library tracked who checked the CVC', () => {
  it('the fixture holds version 1 events with a flat cvcCheck', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    for (const stored of recorded) expect(stored).toMatchObject({ type: 'TokenCreated', version: 1, data: { cvcCheck: expect.any(String) } });
  });

  it.each(recorded.map((stored) => [stored.stream, stored] as const))(
    '%s reads as the current version: check kept, supplied and verifier unknown',
    (_, stored) => {
      const { cvcCheck, ...rest } = v1Data(stored);
      const event = decodeTokenCreated(stored);
      expect(event.data.cvc).toEqual({ check: cvcCheck, supplied: null, verifier: null });
      expect(event.data).toEqual({ ...rest, cvc: event.data.cvc });
    },
  );

  it('is stored again as version 2 and reads back the same', () => {
    for (const stored of recorded) {
      const event = decodeTokenCreated(stored);
      const again = encodeEvent(event);
      expect(again.version).toBe(2);
      expect(decodeEvent({ ...stored, ...JSON.parse(JSON.stringify(again)) })).toEqual(event);
    }
  });

  it('never shows the incident signature: an unchecked v1 token is unknown, not suspicious', () => {
    for (const stored of recorded) expect(hasIncidentSignature(decodeTokenCreated(stored).data.cvc)).toBe(false);
  });

  it('is copied, unknowns included, into a card made from it', () => {
    const [stored] = recorded;
    if (stored === undefined) throw new Error('empty fixture');
    const token = decodeTokenCreated(stored);
    const { card, merchant, at } = token.data;
    const createCard = { type: 'CreateCard', cardId: card.id, merchant, customer: unsafeId.customer('legacy-customer'), at, token: tokenState(token), metadata: {} } as const;
    const copied = { check: v1Data(stored).cvcCheck, supplied: null, verifier: null };
    expect(cardDecider.decide(createCard, cardDecider.initialState)).toMatchObject({ ok: true, value: [{ type: 'CardCreated', data: { cvc: copied } }] });
  });

  it('refuses a v1 event whose cvcCheck is not a PAY.JP value, naming where it is', () => {
    const [stored] = recorded;
    if (stored === undefined) throw new Error('empty fixture');
    const broken = { ...stored, data: { ...v1Data(stored), cvcCheck: 'pass' } };
    expect(() => decodeEvent(broken)).toThrow(EventDecodingError);
    expect(() => decodeEvent(broken)).toThrow(new RegExp(`${stored.stream}@${stored.revision} \\(position ${stored.position}\\)`));
  });
});
