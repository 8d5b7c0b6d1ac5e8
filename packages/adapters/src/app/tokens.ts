import {
  emptyHolder,
  inspectCard,
  tokenDecider,
  tokenEventTypes,
  tokenStream,
  unsafeId,
  ok,
  type CardHolder,
  type MerchantId,
  type Result,
  type TokenEvent,
} from '@kessai/domain';
import { commitWithCard, startRun, type CommandOptions, type CommandPorts, type CommandRun, type Done } from './context.js';
import { createTokenInput, parseInput, type CreateTokenInput } from './inputs.js';
import { load, loadOrNew } from './streams.js';

const holderOf = (card: {
  name?: string | undefined;
  address_state?: string | undefined;
  address_city?: string | undefined;
  address_line1?: string | undefined;
  address_line2?: string | undefined;
  address_zip?: string | undefined;
  country?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}): CardHolder => ({
  ...emptyHolder,
  name: card.name ?? null,
  addressState: card.address_state ?? null,
  addressCity: card.address_city ?? null,
  addressLine1: card.address_line1 ?? null,
  addressLine2: card.address_line2 ?? null,
  addressZip: card.address_zip ?? null,
  country: card.country ?? null,
  email: card.email ?? null,
  phone: card.phone ?? null,
});

/**
 * POST /v1/tokens. The card is checked before anything touches it; the network screens it; the CVC is verified
 * once (the decision every copy will carry) and then forgotten; the number goes to the vault with the token's
 * events (in one transaction where the stores allow, CommandPorts.cardsWithEvents). A refusal at any step records
 * nothing.
 */
export const createToken = async (ports: CommandPorts, merchant: MerchantId, input: CreateTokenInput, options: CommandOptions = {}): Promise<Result<Done>> => {
  const parsed = parseInput(createTokenInput, input);
  if (!parsed.ok) return parsed;
  const { card } = parsed.value;
  const run = startRun(ports, merchant, options);
  const inspected = inspectCard(
    { number: card.number, expMonth: card.exp_month, expYear: card.exp_year, cvc: card.cvc ?? null, holder: holderOf(card) },
    run.at,
  );
  if (!inspected.ok) return inspected;

  const screening = await ports.network.screen({ card: inspected.value, at: run.at });
  const tokenId = unsafeId.token(run.ids.next('token'));
  const cardId = unsafeId.card(run.ids.next('card'));
  const vaultRef = unsafeId.vault(`vault_${cardId}`);
  const verdict = screening.outcome === 'accepted' ? await ports.verifier.verify({ card: inspected.value, at: run.at }) : null;
  const fingerprint = await ports.vault.fingerprint(inspected.value.pan);

  const loaded = await loadOrNew(ports.events, run.ids, tokenDecider, tokenEventTypes, tokenStream(tokenId), run.correlationId);
  const decided = tokenDecider.decide(
    {
      type: 'CreateToken',
      tokenId,
      merchant,
      at: run.at,
      card: { id: cardId, brand: inspected.value.brand, last4: inspected.value.last4, expMonth: inspected.value.expMonth, expYear: inspected.value.expYear, fingerprint, vaultRef },
      holder: inspected.value.holder,
      cvc: { check: verdict?.check ?? 'unchecked', supplied: inspected.value.cvc !== null, verifier: verdict?.verifier ?? ports.verifier.identity },
      screening,
      livemode: false,
    },
    loaded.state,
  );
  if (!decided.ok) return decided;
  const position = await commitWithCard(ports, run, { ref: vaultRef, pan: inspected.value.pan }, [{ loaded, events: decided.value satisfies TokenEvent[] }]);
  return ok({ id: tokenId, position });
};

/** Loads a token for spending, answering as PAY.JP does for an unknown id (404 on param `card`). */
export const loadToken = async (ports: CommandPorts, run: CommandRun, id: string) => {
  if (!/^tok_[0-9a-f]{28}$/.test(id)) return null;
  return load(ports.events, tokenDecider, tokenEventTypes, tokenStream(id), run.correlationId);
};
