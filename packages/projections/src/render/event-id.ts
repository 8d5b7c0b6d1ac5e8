/**
 * API event ids are derived from the domain event they come from (stream and revision), so a rebuild reproduces
 * them and a webhook receiver's deduplication by id keeps working after one. 108 bits of a pure 128-bit hash
 * (cyrb128: four 32-bit lanes of multiply-xorshift mixing), formatted as PAY.JP's `evnt_` + 27 hex = 32 characters.
 */
export const apiEventId = (stream: string, revision: number): string => {
  const text = `${stream}@${revision}`;
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  const hex = [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
  return `evnt_${hex.slice(0, 27)}`;
};
