import { describe, expect, it } from 'vitest';
import { noSuch, quotableId } from './quote.js';

describe('quoting an id a client sent in an error message', () => {
  it('quotes ids kessai generates, even those whose hex holds many digits', () => {
    expect(quotableId('tok_df9b25f2c29cd8bea91aff90a574')).toBe('tok_df9b25f2c29cd8bea91aff90a574');
    expect(quotableId(`ch_${'1'.repeat(29)}`)).toBe(`ch_${'1'.repeat(29)}`);
    expect(noSuch('token', 'tok_df9b25f2c29cd8bea91aff90a574')).toBe('No such token: tok_df9b25f2c29cd8bea91aff90a574');
  });

  it('quotes an id a merchant chose when it holds fewer than 12 digits', () => {
    expect(quotableId('buyer-20170607_1')).toBe('buyer-20170607_1');
    expect(noSuch('customer', 'buyer-20170607_1')).toBe('No such customer: buyer-20170607_1');
  });

  it('leaves out anything that could be a card number, however it is written', () => {
    for (const written of ['4242424242424242', '4242-4242-4242-4242', '4242_4242_4242_4242', 'order_424242424242', '4242.4242.4242.4242', '４２４２４２４２４２４２４２４２'])
      expect(quotableId(written)).toBeNull();
    expect(noSuch('token', '4242.4242.4242.4242')).toBe('No such token.');
  });

  it('takes an id for kessai\'s only at its full length, so a card number behind a prefix is not quoted', () => {
    expect(quotableId('tok_4242424242424242')).toBeNull();
    expect(noSuch('token', 'tok_4242424242424242')).toBe('No such token.');
  });

  it('leaves out what is not shaped like an id at all', () => {
    for (const written of ['', 'a b', 'x'.repeat(101), '<script>', 'tok_ XYZ']) expect(quotableId(written)).toBeNull();
  });
});
