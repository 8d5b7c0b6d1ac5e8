import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { sensitive, unsafeId } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_HEX_LENGTH, MemoryCardVault } from './card-vault.js';

const secret = 'a deployment secret, 32 bytes!!!';
const visa = '4242424242424242';
const mastercard = '5555555555554444';
const ref = unsafeId.vault('vault_1');

describe('MemoryCardVault: the secret', () => {
  it('given a secret shorter than 16 bytes, when constructing, then it throws', () => {
    expect(() => new MemoryCardVault('fifteen bytes!!')).toThrow(/at least 16 bytes/);
    expect(() => new MemoryCardVault(new Uint8Array(15))).toThrow(/at least 16 bytes/);
  });

  it('given a secret of 16 bytes or more, when constructing, then it is accepted', () => {
    expect(() => new MemoryCardVault('sixteen bytes!!!')).not.toThrow();
    expect(() => new MemoryCardVault(new Uint8Array(32).fill(7))).not.toThrow();
  });
});

describe('MemoryCardVault: fingerprint', () => {
  it('given a card number, when fingerprinted, then it is the HMAC-SHA256 of the digits under the secret, 32 hex', async () => {
    const fingerprint = await new MemoryCardVault(secret).fingerprint(sensitive(visa));
    expect(fingerprint).toMatch(new RegExp(`^[0-9a-f]{${FINGERPRINT_HEX_LENGTH}}$`));
    expect(fingerprint).toBe(createHmac('sha256', secret).update(visa).digest('hex').slice(0, FINGERPRINT_HEX_LENGTH));
    expect(createHash('sha256').update(visa).digest('hex')).not.toContain(fingerprint);
  });

  it('given the same number twice (also with spaces), when fingerprinted, then the fingerprints are equal', async () => {
    const vault = new MemoryCardVault(secret);
    const first = await vault.fingerprint(sensitive(visa));
    expect(await vault.fingerprint(sensitive(visa))).toBe(first);
    expect(await vault.fingerprint(sensitive('4242 4242 4242 4242'))).toBe(first);
    expect(await new MemoryCardVault(secret).fingerprint(sensitive(visa))).toBe(first);
  });

  it('given different numbers, when fingerprinted, then the fingerprints differ', async () => {
    const vault = new MemoryCardVault(secret);
    expect(await vault.fingerprint(sensitive(visa))).not.toBe(await vault.fingerprint(sensitive(mastercard)));
  });

  it('given different secrets, when fingerprinting the same number, then the fingerprints differ', async () => {
    const a = await new MemoryCardVault(secret).fingerprint(sensitive(visa));
    const b = await new MemoryCardVault('another secret of 32 bytes!!!!!!').fingerprint(sensitive(visa));
    expect(a).not.toBe(b);
  });

  it('given something that is not a card number, when fingerprinted, then it throws without repeating it', async () => {
    const vault = new MemoryCardVault(secret);
    await expect(vault.fingerprint(sensitive('4242x4242x4242x42'))).rejects.toThrow(/^(?!.*4242).*12 to 19 digits/);
  });
});

describe('MemoryCardVault: store and reveal', () => {
  it('given a stored number, when revealed, then the same number comes back, wrapped', async () => {
    const vault = new MemoryCardVault(secret);
    await vault.store(ref, sensitive(visa));
    const revealed = await vault.reveal(ref);
    expect(revealed?.reveal()).toBe(visa);
    expect(JSON.stringify(revealed)).not.toContain(visa);
  });

  it('given an unknown reference, when revealed, then null', async () => {
    expect(await new MemoryCardVault(secret).reveal(ref)).toBeNull();
  });

  it('given a stored number, when the same number is stored again under the reference, then nothing changes', async () => {
    const vault = new MemoryCardVault(secret);
    await vault.store(ref, sensitive(visa));
    await expect(vault.store(ref, sensitive(visa))).resolves.toBeUndefined();
    expect((await vault.reveal(ref))?.reveal()).toBe(visa);
  });

  it('given a stored number, when a different number is stored under the reference, then it throws without either number', async () => {
    const vault = new MemoryCardVault(secret);
    await vault.store(ref, sensitive(visa));
    const error = await vault.store(ref, sensitive(mastercard)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('already holds a different card number');
    expect(message).not.toContain(visa);
    expect(message).not.toContain(mastercard);
    expect((await vault.reveal(ref))?.reveal()).toBe(visa);
  });

  it('given the same number under two references, when stored, then both reveal it', async () => {
    const vault = new MemoryCardVault(secret);
    await vault.store(ref, sensitive(visa));
    await vault.store(unsafeId.vault('vault_2'), sensitive(visa));
    expect((await vault.reveal(unsafeId.vault('vault_2')))?.reveal()).toBe(visa);
  });
});

describe('MemoryCardVault: nothing leaks', () => {
  it('given stored numbers, when the vault is serialised or inspected, then neither the numbers nor the secret show', async () => {
    const vault = new MemoryCardVault(secret);
    await vault.store(ref, sensitive(visa));
    await vault.store(unsafeId.vault('vault_2'), sensitive(mastercard));
    const outputs = [
      JSON.stringify(vault),
      JSON.stringify({ vault }),
      String(vault),
      inspect(vault),
      inspect(vault, { showHidden: true, depth: Infinity, customInspect: false }),
      inspect({ nested: [vault] }, { depth: Infinity }),
    ];
    for (const output of outputs) {
      expect(output).not.toContain(visa);
      expect(output).not.toContain(mastercard);
      expect(output).not.toContain(secret);
    }
    expect(JSON.parse(JSON.stringify(vault))).toEqual({ vault: 'memory', cards: 2 });
  });
});
