/** The Luhn (mod 10) check over a string of digits. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
};

/** The digit that makes `partial` + digit pass Luhn (used by generators and tests). */
export const luhnCheckDigit = (partial: string): string => {
  for (let d = 0; d <= 9; d++) if (passesLuhn(partial + d)) return String(d);
  throw new RangeError('unreachable: one check digit always exists');
};
