import { invalidParam } from './errors.js';
import { err, ok, type Result } from './result.js';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A free-text field (description): at most `max` characters; null means absent. */
export const boundedText = (value: string | null, param: string, max = 255): Result<string | null> =>
  value === null || value.length <= max
    ? ok(value)
    : err(invalidParam('invalid_string_length', param, `${param} may hold at most ${max} characters.`));

export const emailAddress = (value: string | null, param = 'email'): Result<string | null> =>
  value === null || (value.length <= 255 && emailPattern.test(value))
    ? ok(value)
    : err(invalidParam('invalid_email', param, 'The email address is not valid.'));
