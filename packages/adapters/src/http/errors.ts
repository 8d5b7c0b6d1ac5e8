import { toPayjpError, type DomainError, type ErrorCode, type ErrorType } from '@kessai/domain';

/**
 * The codes the HTTP edge adds to the domain's: request syntax the domain never sees. Both are in PAY.JP's list
 * (PAYJP-API.md section 4).
 */
export type EdgeErrorCode = ErrorCode | 'invalid_querystring' | 'no_param';

/** PAY.JP's error body, as the edge sends it. */
export interface EdgeError {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: EdgeErrorCode;
  readonly message: string;
  readonly param: string | null;
  readonly charge?: string;
}

export const edgeError = (status: number, type: ErrorType, code: EdgeErrorCode, message: string, param: string | null = null): EdgeError => ({
  status,
  type,
  code,
  message,
  param,
});

export const fromDomainError = (e: DomainError): EdgeError => toPayjpError(e).error;

export const errorBody = (e: EdgeError) => ({ error: e });

/** A request the edge refuses before the domain sees it: the body or query string does not parse. */
export const malformed = (message: string, param: string | null = null) => edgeError(400, 'invalid_request_error', 'invalid_querystring', message, param);

export const invalidRequest = (code: EdgeErrorCode, message: string, param: string | null = null) =>
  edgeError(400, 'invalid_request_error', code, message, param);

export const notFoundRoute = () => edgeError(404, 'invalid_request_error', 'not_found', 'Unrecognized request URL.');

/**
 * A known path asked with a method it does not have. PAY.JP names this `not_allowed_method` with its own type
 * (`not_allowed_method_error`); we answer it with 405 and an `Allow` header, as HTTP defines, since no PAY.JP
 * source shows which status goes with that type and every SDK treats an unlisted status as a generic API error.
 */
export const methodNotAllowed = (allowed: readonly string[]) =>
  edgeError(405, 'not_allowed_method_error', 'not_allowed_method', `This URL accepts ${allowed.join(', ')} only.`);

/** An exception nobody expected: the message is fixed, so nothing of the request or the stack leaks out. */
export const serverError = () => edgeError(500, 'server_error', 'payjp_wrong', 'An unexpected error occurred. Please retry later.');

export const noApiKey = () =>
  edgeError(401, 'auth_error', 'no_api_key', 'No API key was given. Send it with HTTP Basic authentication, as the user name with an empty password.');

export const invalidApiKey = (message = 'Invalid API key.') => edgeError(401, 'auth_error', 'invalid_api_key', message);
