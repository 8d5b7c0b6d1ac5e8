/** An id of the form kessai generates: prefix and lowercase hex, 32 characters in all (ids.ts, ID_LENGTH). */
export const GENERATED_ID_SOURCE = '(?:(?:tok|car|cus|req)_[0-9a-f]{28}|ch_[0-9a-f]{29}|evnt_[0-9a-f]{27})';
const generated = new RegExp(`^${GENERATED_ID_SOURCE}$`);
const chosen = /^[A-Za-z0-9_-]{1,100}$/;
const CARD_NUMBER_MIN_DIGITS = 12;

/**
 * What an error message may quote of an id a client sent. Quoting the id shows a developer which one was wrong, but a
 * client can send anything where an id goes, a card number included, written any way ("4242.4242.4242.4242",
 * "4242_4242_…", full-width digits). So a message quotes only:
 * - an id of the form kessai generates (`tok_`, `car_`, `cus_`, `ch_`, `evnt_` or `req_` and lowercase hex, at its full
 *   length), or
 * - an id a merchant may choose (letters, digits, "_" and "-", at most 100) that holds fewer than 12 digits in all,
 *   which no card number does;
 * and leaves anything else out of the message (the error's `param` still names the parameter).
 */
export const quotableId = (value: string): string | null => {
  if (generated.test(value)) return value;
  if (!chosen.test(value)) return null;
  let digits = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x30 && value.charCodeAt(i) <= 0x39) digits++;
  return digits < CARD_NUMBER_MIN_DIGITS ? value : null;
};

/** `No such token: tok_…` when the id may be quoted (quotableId), `No such token.` when not. */
export const noSuch = (what: string, id: string): string => {
  const quoted = quotableId(id);
  return quoted === null ? `No such ${what}.` : `No such ${what}: ${quoted}`;
};
