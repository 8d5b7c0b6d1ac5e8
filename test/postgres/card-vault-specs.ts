import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  connectPostgres,
  Kessai,
  MemoryCardVault,
  MemoryReadModelStore,
  parseVaultKey,
  PostgresCardsWithEvents,
  PostgresCardVault,
  PostgresEventStore,
  RandomIdGenerator,
  SystemClock,
  TestModeCardNetwork,
  TestModeCvcVerifier,
  VaultDecryptionError,
} from '@kessai/adapters';
import { sensitive, unsafeId } from '@kessai/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';

const visa = '4242424242424242';
const mastercard = '5555555555554444';
const keyHex = randomBytes(32).toString('hex');
const otherKeyHex = randomBytes(32).toString('hex');
const fingerprintSecret = 'a fingerprint secret of 32 bytes';
const ref = unsafeId.vault('vault_pg_1');

/** The PostgreSQL card vault: numbers encrypted at rest, keyed fingerprints, keys never shown. */
export const cardVaultSpecs = (db: () => TestPostgres): void => {
  const vault = (encryptionKey: string | Uint8Array = keyHex) =>
    new PostgresCardVault({ pool: db().pool, schema: db().schema, encryptionKey, fingerprintSecret });

  beforeEach(async () => {
    await db().reset();
  });

  describe('store and reveal', () => {
    it('given a stored number, reveal gives it back, wrapped', async () => {
      await vault().store(ref, sensitive(visa));
      const revealed = await vault().reveal(ref);
      expect(revealed?.reveal()).toBe(visa);
      expect(JSON.stringify(revealed)).not.toContain(visa);
      expect(await vault().reveal(unsafeId.vault('vault_unknown'))).toBeNull();
    });

    it('storing the same number again under the reference changes nothing; a different one throws without either number', async () => {
      await vault().store(ref, sensitive(visa));
      await expect(vault().store(ref, sensitive('4242 4242 4242 4242'))).resolves.toBeUndefined();
      const error = await vault().store(ref, sensitive(mastercard)).then(() => undefined, (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toContain('already holds a different card number');
      expect(error?.message).not.toContain(visa);
      expect(error?.message).not.toContain(mastercard);
      expect((await vault().reveal(ref))?.reveal()).toBe(visa);
    });
  });

  describe('at rest', () => {
    it('the table holds no card number: not in any column, not in the raw row bytes', async () => {
      await vault().store(ref, sensitive(visa));
      await vault().store(unsafeId.vault('vault_pg_2'), sensitive(visa));
      const { rows } = await db().pool.query<{ row: string; bytes: Buffer }>(
        `SELECT t::text AS row, convert_to(t::text, 'UTF8') || t.iv || t.ciphertext || t.tag AS bytes FROM ${db().schema}.vault_cards AS t`,
      );
      expect(rows).toHaveLength(2);
      for (const { row, bytes } of rows) {
        expect(row).not.toContain(visa);
        expect(bytes.includes(Buffer.from(visa))).toBe(false);
        expect(bytes.toString('hex')).not.toContain(Buffer.from(visa).toString('hex'));
      }
      // A fresh IV per record: the same number twice gives two different ciphertexts.
      const ciphertexts = await db().pool.query<{ c: Buffer }>(`SELECT ciphertext AS c FROM ${db().schema}.vault_cards`);
      expect(ciphertexts.rows[0]?.c.equals(ciphertexts.rows[1]!.c)).toBe(false);
    });

    it('a vault with another key cannot decrypt, and says so without naming either key', async () => {
      await vault().store(ref, sensitive(visa));
      const error = await vault(otherKeyHex).reveal(ref).then(() => undefined, (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(VaultDecryptionError);
      expect(error?.message).toMatch(/another key/);
      for (const secret of [keyHex, otherKeyHex, visa]) expect(`${error?.message} ${error?.stack}`).not.toContain(secret);
    });

    it('a ciphertext copied onto another reference does not decrypt (the reference is authenticated)', async () => {
      await vault().store(ref, sensitive(visa));
      await db().pool.query(
        `INSERT INTO ${db().schema}.vault_cards (ref, key_id, iv, ciphertext, tag) SELECT 'vault_copy', key_id, iv, ciphertext, tag FROM ${db().schema}.vault_cards WHERE ref = $1`,
        [ref],
      );
      await expect(vault().reveal(unsafeId.vault('vault_copy'))).rejects.toThrow(/altered/);
    });
  });

  describe('keys', () => {
    it('accepts a 32-byte key as bytes, hex or base64, and refuses any other length without echoing it', () => {
      const key = randomBytes(32);
      for (const form of [key, key.toString('hex'), key.toString('base64'), key.toString('base64url')]) expect(parseVaultKey(form).equals(key)).toBe(true);
      for (const bad of [randomBytes(31), randomBytes(33), key.toString('hex').slice(2), 'correct horse battery staple']) {
        const error = (() => {
          try {
            vault(bad);
          } catch (e) {
            return e as Error;
          }
          return undefined;
        })();
        expect(error).toBeInstanceOf(RangeError);
        expect(error?.message).toMatch(/must be 32 bytes/);
        if (typeof bad === 'string') expect(error?.message).not.toContain(bad);
      }
    });

    it('fingerprints are HMAC-SHA256 under the fingerprint secret: the memory vault with that secret agrees', async () => {
      const fingerprint = await vault().fingerprint(sensitive(visa));
      expect(fingerprint).toBe(await new MemoryCardVault(fingerprintSecret).fingerprint(sensitive(visa)));
      expect(fingerprint).toBe(await vault(otherKeyHex).fingerprint(sensitive(visa)));
      expect(fingerprint).not.toBe(await vault().fingerprint(sensitive(mastercard)));
    });

    it('neither JSON nor inspect shows a key', () => {
      const shown = [JSON.stringify(vault()), inspect(vault()), inspect(vault(), { showHidden: true, depth: Infinity, customInspect: false }), String(vault())];
      for (const output of shown) {
        expect(output).not.toContain(keyHex);
        expect(output).not.toContain(fingerprintSecret);
      }
    });
  });

  describe('a card number and its token, together', () => {
    const vaultRows = async () => Number((await db().pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${db().schema}.vault_cards`)).rows[0]!.n);
    const events = () => new PostgresEventStore({ pool: db().pool, schema: db().schema });
    const tokenUsed = (stream: string, expected: 'no_stream' | 'any' = 'no_stream') => ({
      stream,
      expected,
      events: [{ type: 'TokenUsed', version: 1, data: { stream }, metadata: { merchant: unsafeId.merchant('mer_v'), correlationId: 'c1', causationId: null, idempotencyKey: null, occurredAt: 1 } }],
    });

    it('given a write after the append that fails, then neither the events nor the write are kept', async () => {
      const store = events();
      await expect(
        store.appendWith([tokenUsed('token-a')], async (client) => {
          await vault().storeOn(client, ref, sensitive(visa));
          throw new Error('the process stopped here');
        }),
      ).rejects.toThrow('stopped here');
      expect(await store.headPosition()).toBe(0);
      expect(await vaultRows()).toBe(0);
    });

    it('given an append that conflicts, then the write after it never runs', async () => {
      const store = events();
      await store.append(tokenUsed('token-a'));
      let ran = false;
      await expect(store.appendWith([tokenUsed('token-a')], async () => void (ran = true))).rejects.toThrow(/expected/i);
      expect(ran).toBe(false);
      expect(await store.headPosition()).toBe(1);
    });

    it('given both succeed, then both are kept and readAll shows the events at once', async () => {
      const store = events();
      const [result] = await store.appendWith([tokenUsed('token-b')], (client) => vault().storeOn(client, ref, sensitive(visa)));
      expect(result).toMatchObject({ stream: 'token-b', revision: 0, position: 1 });
      expect((await store.readAll({ limit: 10 })).map((e) => e.stream)).toEqual(['token-b']);
      expect((await vault().reveal(ref))?.reveal()).toBe(visa);
    });

    it('when a token cannot be recorded, then Kessai keeps no card number for it (and would without PostgresCardsWithEvents)', async () => {
      // Every TokenCreated insert fails, as if the process had died between the vault and the event store.
      await db().pool.query(`CREATE FUNCTION ${db().schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON ${db().schema}.events FOR EACH ROW WHEN (NEW.type = 'TokenCreated') EXECUTE FUNCTION ${db().schema}.refuse()`);
      const kessai = (together: boolean) => {
        const store = events();
        const v = vault();
        return new Kessai({
          events: store,
          readModels: new MemoryReadModelStore(),
          vault: v,
          verifier: new TestModeCvcVerifier(),
          network: new TestModeCardNetwork(),
          clock: new SystemClock(),
          ids: new RandomIdGenerator(),
          ...(together ? { cardsWithEvents: new PostgresCardsWithEvents(store, v) } : {}),
        });
      };
      const card = { number: visa, exp_month: 12, exp_year: 2030, cvc: '123' };
      await expect(kessai(true).tokens.create(unsafeId.merchant('mer_v'), { card })).rejects.toThrow('refused');
      expect(await vaultRows()).toBe(0);
      await expect(kessai(false).tokens.create(unsafeId.merchant('mer_v'), { card })).rejects.toThrow('refused');
      expect(await vaultRows()).toBe(1);
      // The stores of connection.kessaiStores come wired together: no second orphan.
      const stores = (await connectPostgres(db().pool, { schema: db().schema })).kessaiStores({ encryptionKey: keyHex, fingerprintSecret });
      const wired = new Kessai({ ...stores, verifier: new TestModeCvcVerifier(), network: new TestModeCardNetwork(), clock: new SystemClock(), ids: new RandomIdGenerator() });
      await expect(wired.tokens.create(unsafeId.merchant('mer_v'), { card })).rejects.toThrow('refused');
      expect(await vaultRows()).toBe(1);
    });
  });
};
