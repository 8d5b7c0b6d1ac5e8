import { invalidParam, err, ok, type ErrorCode, type Result } from '@kessai/domain';
import { z } from 'zod';

/**
 * The inputs of the embedded API, with PAY.JP's parameter names, parsed with zod at the boundary. Numbers may
 * arrive as numeric strings (form-encoded HTTP bodies) and booleans as "true"/"false"; both are accepted.
 * Ranges and business rules are the domain's; these schemas only settle types and presence.
 */
const integer = z.union([z.number().int(), z.string().regex(/^-?[0-9]+$/).transform(Number)]);
const boolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);
const text = z.string();
const nullableText = z.union([text, z.null()]);
const metadata = z.record(z.string(), z.union([z.string(), z.number().transform(String)]));

export const createTokenInput = z.strictObject({
  card: z.strictObject({
    number: z.union([text, z.number().transform(String)]),
    exp_month: integer,
    exp_year: integer,
    cvc: z.union([text, z.number().transform(String)]).optional(),
    name: text.optional(),
    address_state: text.optional(),
    address_city: text.optional(),
    address_line1: text.optional(),
    address_line2: text.optional(),
    address_zip: text.optional(),
    country: text.optional(),
    email: text.optional(),
    phone: text.optional(),
  }),
  three_d_secure: boolean.optional(),
});
export type CreateTokenInput = z.input<typeof createTokenInput>;

export const createCustomerInput = z.strictObject({
  id: text.optional(),
  card: text.optional(),
  email: text.optional(),
  description: text.optional(),
  metadata: metadata.optional(),
});
export type CreateCustomerInput = z.input<typeof createCustomerInput>;

export const updateCustomerInput = z.strictObject({
  email: nullableText.optional(),
  description: nullableText.optional(),
  default_card: text.optional(),
  card: text.optional(),
  metadata: metadata.optional(),
});
export type UpdateCustomerInput = z.input<typeof updateCustomerInput>;

export const createCustomerCardInput = z.strictObject({
  card: text,
  default: boolean.optional(),
  metadata: metadata.optional(),
});
export type CreateCustomerCardInput = z.input<typeof createCustomerCardInput>;

export const updateCustomerCardInput = z.strictObject({
  name: nullableText.optional(),
  address_state: nullableText.optional(),
  address_city: nullableText.optional(),
  address_line1: nullableText.optional(),
  address_line2: nullableText.optional(),
  address_zip: nullableText.optional(),
  country: nullableText.optional(),
  email: nullableText.optional(),
  phone: nullableText.optional(),
  metadata: metadata.optional(),
});
export type UpdateCustomerCardInput = z.input<typeof updateCustomerCardInput>;

export const createChargeInput = z.strictObject({
  amount: integer,
  currency: text,
  card: text.optional(),
  customer: text.optional(),
  capture: boolean.optional(),
  expiry_days: integer.optional(),
  description: text.optional(),
  metadata: metadata.optional(),
});
export type CreateChargeInput = z.input<typeof createChargeInput>;

export const updateChargeInput = z.strictObject({ description: nullableText.optional(), metadata: metadata.optional() });
export type UpdateChargeInput = z.input<typeof updateChargeInput>;

export const refundChargeInput = z.strictObject({ amount: integer.optional(), refund_reason: text.optional() });
export type RefundChargeInput = z.input<typeof refundChargeInput>;

export const captureChargeInput = z.strictObject({ amount: integer.optional() });
export type CaptureChargeInput = z.input<typeof captureChargeInput>;

export const reauthChargeInput = z.strictObject({ expiry_days: integer.optional() });
export type ReauthChargeInput = z.input<typeof reauthChargeInput>;

/** The PAY.JP code for a parameter of the wrong type; presence errors are `missing_param`. */
const typeCodes: Readonly<Record<string, ErrorCode>> = {
  amount: 'invalid_amount',
  currency: 'invalid_currency',
  expiry_days: 'invalid_expiry_days',
  capture: 'invalid_boolean',
  default: 'invalid_boolean',
  three_d_secure: 'invalid_boolean',
  'card[number]': 'invalid_number',
  'card[exp_month]': 'invalid_expiry_month',
  'card[exp_year]': 'invalid_expiry_year',
  'card[cvc]': 'invalid_cvc',
  email: 'invalid_email',
};

/** A refund's amount of the wrong type gets the code its range check gives (`invalid_refund_amount`). */
export const refundTypeCodes: Readonly<Record<string, ErrorCode>> = { ...typeCodes, amount: 'invalid_refund_amount' };

/** The value at a path of an input, or undefined when any step is absent. */
const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined), input);

/** PAY.JP's bracket form of a parameter path: card.number -> card[number]. */
const paramName = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (i === 0 ? String(p) : `[${String(p)}]`)).join('');

/**
 * Parses an input with a schema; the first problem becomes a PAY.JP error naming the parameter. An error never
 * echoes the value it refused (it could be a card number).
 */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown, codes: Readonly<Record<string, ErrorCode>> = typeCodes): Result<z.output<S>> => {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = paramName([...issue.path, issue.keys[0] ?? '']);
    return err(invalidParam('invalid_param_key', key, `Unknown parameter: ${key}.`));
  }
  const param = paramName(issue.path);
  // Presence is read from the input itself: zod 4 issues carry no `input` (unless asked to), and a missing union-typed
  // field (amount, exp_month) is reported as invalid_union, not invalid_type.
  if (valueAt(input ?? {}, issue.path) === undefined)
    return err(invalidParam('missing_param', param, `Missing required parameter: ${param}.`));
  return err(invalidParam(codes[param] ?? 'invalid_param_key', param, `Invalid value for ${param}.`));
};
