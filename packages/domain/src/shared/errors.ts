import { noSuch } from './quote.js';
/**
 * Refusals. An expected business outcome (a declined charge) is an event; a request the rules refuse is a
 * DomainError, recorded nowhere, carrying PAY.JP's `code`, `type`, `param` and HTTP `status` so that the edge only
 * has to serialise it.
 */
export type ErrorType =
  | 'card_error'
  | 'invalid_request_error'
  | 'client_error'
  | 'auth_error'
  | 'server_error'
  | 'not_allowed_method_error';

export type ErrorStatus = 400 | 401 | 402 | 404 | 405 | 409 | 429 | 500 | 503;

/** The PAY.JP codes this library produces (PAYJP-API.md section 4). */
export type ErrorCode =
  // card data and network outcomes
  | 'invalid_number'
  | 'invalid_cvc'
  | 'invalid_expiration_date'
  | 'invalid_expiry_month'
  | 'invalid_expiry_year'
  | 'incorrect_card_data'
  | 'expired_card'
  | 'card_declined'
  | 'processing_error'
  | 'unacceptable_brand'
  | 'missing_card'
  // request parameters
  | 'invalid_id'
  | 'invalid_param_key'
  | 'missing_param'
  | 'invalid_amount'
  | 'invalid_currency'
  | 'invalid_expiry_days'
  | 'unnecessary_expiry_days'
  | 'invalid_flexible_id'
  | 'invalid_string_length'
  | 'invalid_email'
  | 'invalid_country'
  | 'invalid_card'
  | 'invalid_card_name'
  | 'invalid_card_country'
  | 'invalid_card_address_zip'
  | 'invalid_card_address_state'
  | 'invalid_card_address_city'
  | 'invalid_card_address_line'
  | 'invalid_boolean'
  | 'invalid_customer'
  | 'invalid_refund_reason'
  | 'invalid_timestamp'
  | 'too_many_metadata_keys'
  | 'invalid_metadata_key'
  | 'invalid_metadata_value'
  | 'unsafe_credit_card_param'
  | 'no_allowed_param'
  // payment state
  | 'failed_payment'
  | 'invalid_refund_amount'
  | 'already_refunded'
  | 'invalid_amount_to_not_captured'
  | 'refund_amount_gt_net'
  | 'refund_limit_exceeded'
  | 'capture_amount_gt_net'
  | 'already_captured'
  | 'cant_capture_refunded_charge'
  | 'cant_reauth_refunded_charge'
  | 'charge_expired'
  // data
  | 'already_exist_id'
  | 'token_already_used'
  | 'dont_has_this_card'
  | 'already_have_the_same_card'
  // environment and edge
  | 'invalid_api_key'
  | 'no_api_key'
  | 'not_found'
  | 'not_allowed_method'
  | 'over_capacity'
  | 'idempotency_key_reused'
  | 'payjp_wrong';

export interface DomainError {
  readonly _tag: 'DomainError';
  readonly status: ErrorStatus;
  readonly type: ErrorType;
  readonly code: ErrorCode;
  readonly message: string;
  readonly param: string | null;
  /** The failed charge a decline refers to, as PAY.JP adds it to a 402. */
  readonly charge?: string;
}

export const domainError = (
  type: ErrorType,
  status: ErrorStatus,
  code: ErrorCode,
  param: string | null,
  message: string,
  charge?: string,
): DomainError => ({ _tag: 'DomainError', status, type, code, message, param, ...(charge === undefined ? {} : { charge }) });

/** A card the rules or the network refused (402 unless the card data itself is malformed, then 400). */
export const cardError = (code: ErrorCode, param: string | null, message: string, status: ErrorStatus = 402) =>
  domainError('card_error', status, code, param, message);

/** A parameter or state the request got wrong. */
export const invalidParam = (code: ErrorCode, param: string | null, message: string, status: ErrorStatus = 400) =>
  domainError('invalid_request_error', status, code, param, message);

export const notFound = (what: 'token' | 'card' | 'customer' | 'charge', id: string, param: string | null = 'id') =>
  invalidParam('invalid_id', param, noSuch(what, id), 404);

export const isDomainError = (x: unknown): x is DomainError =>
  typeof x === 'object' && x !== null && (x as { _tag?: unknown })._tag === 'DomainError';

/** PAY.JP's error body: `{ error: { status, type, code, message, param } }` (and `charge` on a decline). */
export interface PayjpErrorBody {
  readonly error: {
    readonly status: ErrorStatus;
    readonly type: ErrorType;
    readonly code: ErrorCode;
    readonly message: string;
    readonly param: string | null;
    readonly charge?: string;
  };
}

export const toPayjpError = (e: DomainError): PayjpErrorBody => ({
  error: {
    status: e.status,
    type: e.type,
    code: e.code,
    message: e.message,
    param: e.param,
    ...(e.charge === undefined ? {} : { charge: e.charge }),
  },
});
