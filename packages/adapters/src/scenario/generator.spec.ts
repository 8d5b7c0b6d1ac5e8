import type { CardNetwork, StoredEvent } from '@kessai/domain';
import type { PayjpCard } from '@kessai/projections';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kessai } from '../app/kessai.js';
import { testModeKessai } from '../app/test-mode-kessai.js';
import { INCIDENT_WINDOW, isInWindow } from '../test-mode/cvc-verifier.js';
import { ORDINARY_TEST_CARDS } from '../test-mode/test-cards.js';
import { apiMethods } from './api.js';
import { specialUsableCards, tokenRefusedCards } from './cards.js';
import { generateScenario, merchantName, type Scenario } from './generator.js';
import { incidentPathCoverage, missingPaths } from './path-coverage.js';

const readAll = async (scenario: Pick<Scenario, 'events'>): Promise<readonly StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for (;;) {
    const batch = await scenario.events.readAll({ after: out.length, limit: 1000 });
    if (batch.length === 0) return out;
    out.push(...batch);
  }
};

const field = (data: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), data);

const HOUR = 3_600_000;

describe('generateScenario', () => {
  let scenario: Scenario;
  let events: readonly StoredEvent[];
  const merchants = [merchantName(0), merchantName(1), merchantName(2)];

  beforeAll(async () => {
    scenario = await generateScenario({ seed: 42, merchants: 3, targetEvents: 2_500 });
    events = await readAll(scenario);
  });

  it('given ~2,000 target events, when generated, then it takes well under 10 s and reports progress', async () => {
    const progress: number[] = [];
    const started = performance.now();
    const timed = await generateScenario({ seed: 7, targetEvents: 2_000, onProgress: (n) => progress.push(n) });
    const seconds = (performance.now() - started) / 1000;
    console.log(`generateScenario: ${timed.stats.events} events, ${timed.stats.calls} calls in ${seconds.toFixed(2)} s`);
    expect(timed.stats.events).toBeGreaterThanOrEqual(2_000);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(timed.stats.events);
    expect(seconds).toBeLessThan(10);
  });

  it('given the same seed and options, when generated twice, then the event streams are byte-identical', async () => {
    const again = await readAll(await generateScenario({ seed: 42, merchants: 3, targetEvents: 2_500 }));
    expect(JSON.stringify(again)).toBe(JSON.stringify(events));
    const other = await readAll(await generateScenario({ seed: 43, merchants: 3, targetEvents: 2_500 }));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(events));
  });

  it('given a target, when generated, then the store holds at least that many events and every merchant made every call', () => {
    expect(scenario.stats.events).toBeGreaterThanOrEqual(2_500);
    expect(scenario.stats.events).toBe(events.length);
    expect(Object.keys(scenario.stats.byMerchant)).toEqual(['merchant_a', 'merchant_b', 'merchant_c']);
    for (const merchant of merchants)
      for (const method of apiMethods) expect(scenario.stats.byMerchant[merchant]!.calls[method], `${merchant} ${method}`).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.metadata.merchant))).toEqual(new Set(merchants));
  });

  it('given the default spread, then traffic runs from 4 h before the window to 4 h after it, for every merchant in each part', () => {
    const start = INCIDENT_WINDOW.from - 4 * HOUR;
    const end = INCIDENT_WINDOW.to + 4 * HOUR;
    expect(events[0]!.recordedAt).toBeGreaterThanOrEqual(start);
    expect(events.at(-1)!.recordedAt).toBeLessThan(end);
    for (const merchant of merchants) {
      const times = events.filter((e) => e.metadata.merchant === merchant).map((e) => e.recordedAt);
      expect(times.filter((t) => t < INCIDENT_WINDOW.from).length).toBeGreaterThan(100);
      expect(times.filter((t) => isInWindow(INCIDENT_WINDOW, t)).length).toBeGreaterThan(100);
      expect(times.filter((t) => t >= INCIDENT_WINDOW.to).length).toBeGreaterThan(100);
    }
    // Spread evenly: the busiest hour holds at most twice the events of the quietest full hour.
    const perHour = new Map<number, number>();
    for (const e of events) perHour.set(Math.floor((e.recordedAt - start) / HOUR), (perHour.get(Math.floor((e.recordedAt - start) / HOUR)) ?? 0) + 1);
    const counts = [...perHour.values()];
    expect(Math.max(...counts)).toBeLessThan(2 * Math.min(...counts));
  });

  it('given a larger target, when generated, then the same spread holds denser traffic', async () => {
    const dense = await generateScenario({ seed: 42, merchants: 1, targetEvents: 8_000, spreadHours: { before: 1, after: 1 } });
    const all = await readAll(dense);
    expect(all[0]!.recordedAt).toBeGreaterThanOrEqual(INCIDENT_WINDOW.from - HOUR);
    expect(all.at(-1)!.recordedAt).toBeLessThan(INCIDENT_WINDOW.to + HOUR + 26 * HOUR); // the expiry sweep may pass midnight in Japan
    expect(all.filter((e) => e.recordedAt < INCIDENT_WINDOW.to + HOUR).length).toBeGreaterThanOrEqual(8_000 - 10);
  });

  it('given the workload, then every incident path 1-12 has objects from window tokens and from outside tokens, for every merchant', () => {
    const coverage = incidentPathCoverage(events, INCIDENT_WINDOW);
    expect(missingPaths(coverage, merchants)).toEqual([]);
  });

  it('given a small workload for two merchants, then every path is still covered on both sides', async () => {
    const small = await generateScenario({ seed: 1, merchants: 2, targetEvents: 300 });
    expect(missingPaths(incidentPathCoverage(await readAll(small), INCIDENT_WINDOW), [merchantName(0), merchantName(1)])).toEqual([]);
  });

  it('given the tokens it reports as made in the window, then they are exactly the TokenCreated inside it, unchecked whatever the CVC', () => {
    const created = events.filter((e) => e.type === 'TokenCreated');
    const inside = created.filter((e) => isInWindow(INCIDENT_WINDOW, e.metadata.occurredAt));
    expect(scenario.windowTokens.map((t) => t.token)).toEqual(inside.map((e) => field(e.data, 'tokenId')));
    expect(scenario.stats.tokens).toMatchObject({ created: created.length, inWindow: inside.length });
    for (const e of inside) expect(field(e.data, 'cvc', 'check')).toBe('unchecked');
    const withCvc = scenario.windowTokens.filter((t) => t.cvc).length;
    expect(withCvc).toBe(inside.filter((e) => field(e.data, 'cvc', 'supplied') === true).length);
    expect(withCvc).toBeGreaterThan(0);
    expect(withCvc).toBeLessThan(inside.length);
  });

  it('given every test card, then each usable one was tokenized with and without a CVC, and outside the window the CVC check answered by card', () => {
    const created = events.filter((e) => e.type === 'TokenCreated');
    const outside = created.filter((e) => !isInWindow(INCIDENT_WINDOW, e.metadata.occurredAt));
    const checks = (last4: string, supplied: boolean) =>
      new Set(outside.filter((e) => field(e.data, 'card', 'last4') === last4 && field(e.data, 'cvc', 'supplied') === supplied).map((e) => field(e.data, 'cvc', 'check')));
    for (const { number } of ORDINARY_TEST_CARDS) {
      expect(checks(number.slice(-4), true), number.slice(-4)).toEqual(new Set(['passed']));
      expect(checks(number.slice(-4), false), number.slice(-4)).toEqual(new Set(['unchecked']));
    }
    for (const card of specialUsableCards) expect(checks(card.last4, true), card.last4).toEqual(new Set([card.cvcCheck]));
    const brands = new Set(created.map((e) => field(e.data, 'card', 'brand')));
    expect(brands).toEqual(new Set(['Visa', 'MasterCard', 'JCB', 'American Express', 'Diners Club', 'Discover']));
  });

  it('given the cards that tokenization refuses, then each was refused for every merchant and nothing was recorded for them', () => {
    for (const merchant of merchants)
      for (const card of tokenRefusedCards) expect(scenario.stats.byMerchant[merchant]!.refused[card.tokenRefusal!], `${merchant} …${card.last4}`).toBeGreaterThan(0);
    const refusedLast4 = new Set(tokenRefusedCards.map((c) => c.last4));
    expect(events.filter((e) => refusedLast4.has(String(field(e.data, 'card', 'last4'))))).toEqual([]);
    expect(scenario.stats.tokens.created + scenario.stats.tokens.refused).toBe(scenario.stats.totals.calls['tokens.create']);
  });

  it('given spent tokens spent again, then they were refused (token_already_used) and every token backs one card or charge at most', () => {
    for (const merchant of merchants) expect(scenario.stats.byMerchant[merchant]!.refused['token_already_used']).toBeGreaterThan(0);
    const uses = new Map<unknown, number>();
    for (const e of events) if (e.type === 'TokenUsed') uses.set(field(e.data, 'tokenId'), (uses.get(field(e.data, 'tokenId')) ?? 0) + 1);
    expect([...uses.values()].every((n) => n === 1)).toBe(true);
  });

  it('given the charge-time decline cards, then …0319 always and …0202 above 10,000 yen recorded failed charges', () => {
    const charges = (type: string, last4: string) => events.filter((e) => e.type === type && field(e.data, 'card', 'card', 'last4') === last4);
    expect(charges('ChargeFailed', '0319').length).toBeGreaterThan(0);
    expect(charges('ChargeSucceeded', '0319')).toEqual([]);
    expect(charges('ChargeFailed', '0202').length).toBeGreaterThan(0);
    expect(charges('ChargeFailed', '0202').every((e) => Number(field(e.data, 'amount')) > 10_000)).toBe(true);
    expect(charges('ChargeSucceeded', '0202').every((e) => Number(field(e.data, 'amount')) <= 10_000)).toBe(true);
    for (const merchant of merchants) expect(scenario.stats.byMerchant[merchant]!.declined['card_declined']).toBeGreaterThan(0);
  });

  it('given authorizations held for a day, then some lapsed after midnight in Japan and were expired, for every merchant', () => {
    const expired = events.filter((e) => e.type === 'ChargeExpired');
    expect(new Set(expired.map((e) => e.metadata.merchant))).toEqual(new Set(merchants));
    // Midnight in Japan is 15:00 UTC, inside the 4 hours after the window.
    expect(expired.every((e) => e.recordedAt >= Date.UTC(2017, 5, 7, 15, 0))).toBe(true);
  });

  it('given the projections caught up, then every cvc_check on the read paths equals the TokenCreated of its token', async () => {
    const checkOfCard = new Map<unknown, unknown>();
    for (const e of events) if (e.type === 'TokenCreated') checkOfCard.set(field(e.data, 'card', 'id'), field(e.data, 'cvc', 'check'));
    await scenario.kessai.runner.catchUp();
    const seen = new Set<unknown>();
    const expectCard = (card: PayjpCard) => {
      expect(card.cvc_check, card.id).toBe(checkOfCard.get(card.id));
      seen.add(card.cvc_check);
    };
    for (const merchant of merchants) {
      for (let offset = 0; ; offset += 100) {
        const page = await scenario.kessai.charges.list(merchant, { limit: 100, offset });
        if (!page.ok) throw new Error(page.error.message);
        page.value.data.forEach((c) => expectCard(c.card));
        if (!page.value.has_more) break;
      }
      for (let offset = 0; ; offset += 100) {
        const page = await scenario.kessai.customers.list(merchant, { limit: 100, offset });
        if (!page.ok) throw new Error(page.error.message);
        page.value.data.forEach((c) => c.cards.data.forEach(expectCard));
        if (!page.value.has_more) break;
      }
      const inside = scenario.windowTokens.find((t) => t.merchant === merchant && t.cvc)!;
      const token = await scenario.kessai.tokens.retrieve(merchant, inside.token);
      expect(token.ok && token.value.card.cvc_check).toBe('unchecked');
    }
    expect(seen).toEqual(new Set(['passed', 'unchecked', 'failed', 'unavailable']));
  });

  it('given a Kessai to drive, when generated on it, then its store and clock carry the workload', async () => {
    const parts = testModeKessai({ seed: 5, startAt: INCIDENT_WINDOW.from - 2 * HOUR, faultWindow: INCIDENT_WINDOW });
    const driven = await generateScenario({ seed: 5, merchants: 1, targetEvents: 200, kessai: parts, spreadHours: { before: 1, after: 1 } });
    expect(driven.events).toBe(parts.events);
    expect(driven.kessai).toBe(parts.kessai);
    expect(await parts.events.headPosition()).toBe(driven.stats.events);
    expect(parts.clock.now()).toBeGreaterThanOrEqual(INCIDENT_WINDOW.to);
  });

  it('given a library that answers what the workload does not expect, when generating, then it throws naming the call', async () => {
    const parts = testModeKessai({ seed: 9, startAt: INCIDENT_WINDOW.from - 4 * HOUR, faultWindow: INCIDENT_WINDOW });
    const declined = async () => ({ outcome: 'declined', code: 'card_declined', message: 'The card was declined.' }) as const;
    const network: CardNetwork = { screen: (r) => parts.network.screen(r), authorize: declined, reauthorize: declined, capture: async () => {}, refund: async () => {} };
    const kessai = new Kessai({ ...parts.kessai.ports, network, readModels: parts.readModels });
    await expect(generateScenario({ seed: 9, kessai: { ...parts, kessai } })).rejects.toThrow(
      /kessai scenario: charges\.create for merchant_[a-c] at 2017-06-07T0\d:\d\d:\d\d\.\d{3}Z.*expected success recording .*ChargeSucceeded, got card_declined/,
    );
  });

  it('given bad options, then it refuses them before doing anything', async () => {
    await expect(generateScenario({ seed: 1, merchants: 0 })).rejects.toThrow(/merchants/);
    await expect(generateScenario({ seed: 1, targetEvents: -1 })).rejects.toThrow(/targetEvents/);
    await expect(generateScenario({ seed: 1, window: { from: 2, to: 1 } })).rejects.toThrow(/window/);
    await expect(generateScenario({ seed: -1 })).rejects.toThrow(/seed/);
  });
});

describe('merchantName', () => {
  it('given indexes, then names run merchant_a to merchant_z, then merchant_aa', () => {
    expect([0, 1, 25, 26, 27].map(merchantName)).toEqual(['merchant_a', 'merchant_b', 'merchant_z', 'merchant_aa', 'merchant_ab']);
  });
});
