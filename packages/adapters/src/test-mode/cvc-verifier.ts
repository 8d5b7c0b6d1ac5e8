import type { CvcVerdict, CvcVerifier, InspectedCard, VerifierIdentity } from '@kessai/domain';
import { testCardEffect } from './test-cards.js';

type VerifyRequest = Parameters<CvcVerifier['verify']>[0];

/**
 * PAY.JP's test-mode CVC check: no CVC -> unchecked; card ...0101 -> failed; ...0044 -> unavailable; any other card
 * with a CVC -> passed. Card ...0127 (invalid_cvc) is refused by the network's screening before a token exists.
 */
export class TestModeCvcVerifier implements CvcVerifier {
  readonly identity: VerifierIdentity = Object.freeze({ name: 'test-mode', version: '1' });

  async verify({ card }: { readonly card: InspectedCard; readonly at: number }): Promise<CvcVerdict> {
    const check = card.cvc === null ? 'unchecked' : (testCardEffect(card.pan.reveal(), 'cvc')?.check ?? 'passed');
    return { check, verifier: this.identity };
  }
}

/** A half-open interval of epoch milliseconds: `from` included, `to` excluded. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** The 2017-06-07 PAY.JP incident: 16:55 to 21:55 JST, that is 07:55 to 12:55 UTC. */
export const INCIDENT_WINDOW: TimeWindow = Object.freeze({
  from: Date.UTC(2017, 5, 7, 7, 55),
  to: Date.UTC(2017, 5, 7, 12, 55),
});

export const isInWindow = (window: TimeWindow, at: number): boolean => at >= window.from && at < window.to;

/** The build-metadata suffix (semver `+`) that marks a verifier wrapped in a fault window. */
export const FAULT_WINDOW_SUFFIX = '+fault-window';

/**
 * Fault A of the incident: inside the window every answer is `unchecked`, whatever CVC was sent; outside it the
 * wrapped verifier answers. Inside the window the wrapped verifier is not called at all.
 *
 * Identity: every answer names its verifier. Answers from inside the window name the wrapped verifier with
 * `+fault-window` appended to its version (the faulty component that answered); answers from outside it are the
 * wrapped verifier's own, identity included. So the data shows which answers the fault gave, per token, the way a
 * bad release deployed for the window and rolled back at its end would show in a real verifier's records. The
 * incident signature (`supplied && unchecked`) still finds them without this, as a merchant would have to.
 */
export class FaultWindowCvcVerifier implements CvcVerifier {
  readonly identity: VerifierIdentity;
  readonly window: TimeWindow;
  readonly #inner: CvcVerifier;

  constructor(inner: CvcVerifier, window: TimeWindow = INCIDENT_WINDOW) {
    if (!Number.isSafeInteger(window.from) || !Number.isSafeInteger(window.to) || window.from >= window.to)
      throw new RangeError('A fault window needs integer epoch milliseconds with from < to.');
    this.#inner = inner;
    this.window = Object.freeze({ from: window.from, to: window.to });
    this.identity = Object.freeze({ name: inner.identity.name, version: inner.identity.version + FAULT_WINDOW_SUFFIX });
  }

  async verify(request: VerifyRequest): Promise<CvcVerdict> {
    return isInWindow(this.window, request.at) ? { check: 'unchecked', verifier: this.identity } : this.#inner.verify(request);
  }
}
