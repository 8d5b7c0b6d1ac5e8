import { decodeEvent, type DomainEvent, type StoredEvent } from '@kessai/domain';
import { isInWindow, type TimeWindow } from '../test-mode/cvc-verifier.js';

/**
 * A test oracle, independent of the projections: from the stored events alone, which objects lie on each of the
 * incident's paths 1-12 (reference/INCIDENT.md), per merchant, split by the token they descend from: `window`
 * (created inside the fault window with a CVC sent: the incident's signature) or `outside` (created outside it
 * with a CVC sent: a real check). Tokens without a CVC are unchecked by design and counted on neither side.
 * The scenario specs use it to prove that a generated workload reaches every path on both sides.
 */
export type IncidentPath = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;
export const incidentPaths: readonly IncidentPath[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

export type IncidentSide = 'window' | 'outside';

/** merchant -> path -> side -> ids of the objects (tokens, customers, cards, charges, or event positions for 12). */
export type PathCoverage = Map<string, Map<IncidentPath, Record<IncidentSide, Set<string>>>>;

interface Decoded {
  readonly stored: StoredEvent;
  readonly event: DomainEvent;
}

export const incidentPathCoverage = (events: readonly StoredEvent[], window: TimeWindow): PathCoverage => {
  const coverage: PathCoverage = new Map();
  const mark = (merchant: string, path: IncidentPath, side: IncidentSide | undefined, id: string) => {
    if (side === undefined) return;
    let paths = coverage.get(merchant);
    if (paths === undefined) coverage.set(merchant, (paths = new Map()));
    let sides = paths.get(path);
    if (sides === undefined) paths.set(path, (sides = { window: new Set(), outside: new Set() }));
    sides[side].add(id);
  };

  const tokenSide = new Map<string, IncidentSide>();
  const cardSide = new Map<string, IncidentSide>();
  const chargeSide = new Map<string, IncidentSide>();
  /** customer key (merchant + id) -> sides of the cards it has held. */
  const customerSides = new Map<string, Set<IncidentSide>>();
  const customerKey = (merchant: string, id: string) => `${merchant}\u0000${id}`;

  // One command's events share a correlation id and are stored together: walk them command by command.
  const commands: Decoded[][] = [];
  for (const stored of events) {
    const decoded = { stored, event: decodeEvent(stored) };
    const last = commands.at(-1);
    if (last !== undefined && last[0]!.stored.metadata.correlationId === stored.metadata.correlationId) last.push(decoded);
    else commands.push([decoded]);
  }

  for (const command of commands) {
    const types = new Set(command.map((d) => d.event.type));
    for (const { stored, event } of command) {
      const merchant = stored.metadata.merchant;
      const related = (side: IncidentSide | undefined) => mark(merchant, 12, side, String(stored.position));
      switch (event.type) {
        case 'TokenCreated': {
          const { cvc, at, tokenId } = event.data;
          const side: IncidentSide | undefined = cvc.supplied !== true ? undefined : isInWindow(window, at) ? 'window' : 'outside';
          if (side !== undefined) tokenSide.set(tokenId, side);
          mark(merchant, 1, side, tokenId);
          related(side);
          break;
        }
        case 'TokenUsed':
          related(tokenSide.get(event.data.tokenId));
          break;
        case 'CardCreated': {
          const side = tokenSide.get(event.data.cvcSource.token);
          if (side !== undefined) cardSide.set(event.data.cardId, side);
          // A card made with its customer (path 2) or added to one (path 3: cards endpoint or update with `card`).
          mark(merchant, types.has('CustomerCreated') ? 2 : 3, side, event.data.customer);
          for (const path of [4, 6] as const) mark(merchant, path, side, event.data.customer);
          if (side !== undefined) {
            const key = customerKey(merchant, event.data.customer);
            customerSides.set(key, (customerSides.get(key) ?? new Set()).add(side));
          }
          related(side);
          break;
        }
        case 'CardUpdated':
          mark(merchant, 7, cardSide.get(event.data.cardId), event.data.cardId);
          related(cardSide.get(event.data.cardId));
          break;
        case 'CardDeleted':
          related(cardSide.get(event.data.cardId));
          break;
        case 'CustomerUpdated':
        case 'DefaultCardChanged':
          // POST /v1/customers/{id} answers the customer with its cards (path 5).
          if (types.has('CustomerCreated')) break;
          for (const side of customerSides.get(customerKey(merchant, event.data.customerId)) ?? []) mark(merchant, 5, side, event.data.customerId);
          break;
        case 'ChargeSucceeded':
        case 'ChargeFailed': {
          const side = tokenSide.get(event.data.card.cvcSource.token);
          if (side !== undefined) chargeSide.set(event.data.chargeId, side);
          mark(merchant, event.data.customer === null ? 8 : 9, side, event.data.chargeId);
          mark(merchant, 11, side, event.data.chargeId);
          related(side);
          break;
        }
        case 'ChargeCaptured':
        case 'ChargeRefunded':
        case 'ChargeReauthorized':
        case 'ChargeUpdated':
          mark(merchant, 10, chargeSide.get(event.data.chargeId), event.data.chargeId);
          related(chargeSide.get(event.data.chargeId));
          break;
        case 'ChargeExpired':
          related(chargeSide.get(event.data.chargeId));
          break;
        case 'CustomerCreated':
        case 'CardAttached':
        case 'CardDetached':
        case 'CustomerDeleted':
          break;
        default: {
          const unhandled: never = event;
          throw new TypeError(`Unhandled event ${JSON.stringify(unhandled)}`);
        }
      }
    }
  }
  return coverage;
};

/** The paths (per merchant) lacking an object on one side, as readable lines; empty when all are covered. */
export const missingPaths = (coverage: PathCoverage, merchants: readonly string[]): string[] =>
  merchants.flatMap((merchant) =>
    incidentPaths.flatMap((path) =>
      (['window', 'outside'] as const)
        .filter((side) => (coverage.get(merchant)?.get(path)?.[side].size ?? 0) === 0)
        .map((side) => `${merchant}: path ${path} has no object from ${side === 'window' ? 'a window' : 'an outside'} token`),
    ),
  );
