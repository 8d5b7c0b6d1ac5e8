import type { IdempotencyClaim, IdempotencyStore } from '@kessai/adapters';
import { invalidParam, type Result } from '@kessai/domain';
import { describe, expect, it } from 'vitest';

/**
 * The IdempotencyStore port's rules, run against every adapter (memory, PostgreSQL). `makeStore` is called per
 * test and hands back an empty store whose claims go stale after `staleAfterMs`.
 */
export const idempotencyStoreContract = (name: string, makeStore: (options: { staleAfterMs: number }) => Promise<IdempotencyStore>): void => {
  describe(`IdempotencyStore contract: ${name}`, () => {
    const slot = { merchant: 'mer_a', key: 'order-1' };
    const store = () => makeStore({ staleAfterMs: 60_000 });
    const claimOf = (claim: IdempotencyClaim): string => {
      if (!claim.claimed) throw new Error(`expected a claim, found ${JSON.stringify(claim.record)}`);
      return claim.claim;
    };
    // A charge-like answer whose keys are not in sorted order: it must come back in the same order.
    const answer: Result<unknown> = { ok: true, value: { id: 'ch_1', object: 'charge', amount: 1200, card: { id: 'car_1', cvc_check: 'passed' }, metadata: null } };

    it('given a free key, when claimed, then the claimer runs it, others see it running, then see its answer', async () => {
      const s = await store();
      const claim = claimOf(await s.claim(slot, 'req-1'));
      expect(await s.claim(slot, 'req-1')).toEqual({ claimed: false, record: { request: 'req-1' } });
      await s.finish(slot, claim, answer);
      const after = await s.claim(slot, 'req-1');
      expect(after).toEqual({ claimed: false, record: { request: 'req-1', result: answer } });
      expect(JSON.stringify(after.claimed ? null : after.record.result)).toBe(JSON.stringify(answer));
    });

    it('given a finished key, when another request claims it, then it sees the first request, not a claim', async () => {
      const s = await store();
      await s.finish(slot, claimOf(await s.claim(slot, 'req-1')), answer);
      expect(await s.claim(slot, 'req-2')).toEqual({ claimed: false, record: { request: 'req-1', result: answer } });
    });

    it('given a refused request, when its error is the answer, then the error comes back whole', async () => {
      const s = await store();
      const refused: Result<unknown> = { ok: false, error: invalidParam('invalid_param_key', 'amount', 'amount must be at least 50.') };
      await s.finish(slot, claimOf(await s.claim(slot, 'req-1')), refused);
      expect(await s.claim(slot, 'req-1')).toEqual({ claimed: false, record: { request: 'req-1', result: refused } });
    });

    it('given twenty claims of one free key at once, then exactly one is granted', async () => {
      const s = await store();
      const claims = await Promise.all(Array.from({ length: 20 }, () => s.claim(slot, 'req-1')));
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    });

    it('given one key, then two merchants hold it apart', async () => {
      const s = await store();
      await s.finish(slot, claimOf(await s.claim(slot, 'req-1')), answer);
      expect((await s.claim({ merchant: 'mer_b', key: slot.key }, 'req-9')).claimed).toBe(true);
    });

    it('given a released claim, then the next claim runs the request again', async () => {
      const s = await store();
      await s.release(slot, claimOf(await s.claim(slot, 'req-1')));
      expect((await s.claim(slot, 'req-1')).claimed).toBe(true);
    });

    it('given a finished key, when its old claim releases it, then the answer stays', async () => {
      const s = await store();
      const claim = claimOf(await s.claim(slot, 'req-1'));
      await s.finish(slot, claim, answer);
      await s.release(slot, claim);
      expect(await s.claim(slot, 'req-1')).toEqual({ claimed: false, record: { request: 'req-1', result: answer } });
    });

    it('given a claim gone stale, then the same request takes it over and the old claim can no longer finish it', async () => {
      const s = await makeStore({ staleAfterMs: 30 });
      const old = claimOf(await s.claim(slot, 'req-1'));
      // A fresh claim is not taken over, whatever the request.
      expect((await s.claim(slot, 'req-1')).claimed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect((await s.claim(slot, 'req-2')).claimed).toBe(false);
      const taken = claimOf(await s.claim(slot, 'req-1'));
      await s.finish(slot, old, { ok: true, value: { id: 'from the old claim' } });
      expect(await s.claim(slot, 'req-1')).toEqual({ claimed: false, record: { request: 'req-1' } });
      await s.finish(slot, taken, answer);
      expect(await s.claim(slot, 'req-1')).toEqual({ claimed: false, record: { request: 'req-1', result: answer } });
    });

    it('digests depend on the text and are stable', async () => {
      const s = await store();
      expect(s.digest('charges.create {"amount":1200}')).toBe(s.digest('charges.create {"amount":1200}'));
      expect(s.digest('charges.create {"amount":1200}')).not.toBe(s.digest('charges.create {"amount":1201}'));
      expect(s.digest('x')).toMatch(/^[0-9a-f]{64}$/);
    });
  });
};
