import { z } from 'zod';
import type { CardEvent } from '../card/events.js';
import type { ChargeEvent } from '../charge/events.js';
import type { CustomerEvent } from '../customer/events.js';
import { addressZipChecks, cardBrands } from '../shared/card.js';
import { cvcChecks } from '../shared/cvc.js';
import type { TokenEvent } from '../token/events.js';
import {
  cardFactsSchema,
  cardHolderSchema,
  cardIdSchema,
  chargeIdSchema,
  customerIdSchema,
  cvcDecisionSchema,
  cvcProvenanceSchema,
  instantSchema,
  merchantIdSchema,
  metadataSchema,
  tokenIdSchema,
  vaultRefSchema,
  yenSchema,
} from './schemas.js';

export type DomainEvent = TokenEvent | CardEvent | CustomerEvent | ChargeEvent;
export type DomainEventType = DomainEvent['type'];
type DataOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>['data'];

/** An older version of an event type, and how to turn its data into the next version's. */
interface Upcaster {
  readonly schema: z.ZodType;
  readonly upcast: (data: never) => unknown;
}

interface EventDefinition<T extends DomainEventType> {
  readonly version: number;
  readonly schema: z.ZodType<DataOf<T>>;
  /** Keyed by the version they read; each returns data of the version after it. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

const scope = { merchant: merchantIdSchema, at: instantSchema };
const holderPatchSchema = z.strictObject({
  name: z.string().nullable().optional(),
  addressState: z.string().nullable().optional(),
  addressCity: z.string().nullable().optional(),
  addressLine1: z.string().nullable().optional(),
  addressLine2: z.string().nullable().optional(),
  addressZip: z.string().nullable().optional(),
  country: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
});
const chargedCardSchema = z.strictObject({
  card: cardFactsSchema,
  holder: cardHolderSchema,
  cvc: cvcDecisionSchema,
  cvcSource: cvcProvenanceSchema,
  customer: customerIdSchema.nullable(),
  metadata: metadataSchema,
  createdAt: instantSchema,
});
const chargeOpening = {
  chargeId: chargeIdSchema,
  ...scope,
  amount: yenSchema,
  currency: z.literal('jpy'),
  description: z.string().nullable(),
  metadata: metadataSchema,
  customer: customerIdSchema.nullable(),
  card: chargedCardSchema,
};
const declineCodes = ['card_declined', 'expired_card', 'invalid_expiration_date', 'processing_error'] as const;

/**
 * TokenCreated v1 (recorded before provenance was tracked) had a flat `cvcCheck` and no record of whether a CVC
 * was supplied or who checked it. Read today, it says exactly what it knew: `supplied: null` (unknown),
 * `verifier: null`. The fixture `test/fixtures/token-created-v1.jsonl` holds such events.
 */
const tokenCreatedV1 = z.strictObject({
  tokenId: tokenIdSchema,
  ...scope,
  card: z.strictObject({
    id: cardIdSchema,
    brand: z.enum(cardBrands),
    last4: z.string().regex(/^[0-9]{4}$/),
    expMonth: z.number().int(),
    expYear: z.number().int(),
    fingerprint: z.string(),
    vaultRef: vaultRefSchema,
    addressZipCheck: z.enum(addressZipChecks),
    issuedInJapan: z.boolean(),
  }),
  holder: cardHolderSchema,
  cvcCheck: z.enum(cvcChecks),
  livemode: z.boolean(),
});

export const eventRegistry: { readonly [T in DomainEventType]: EventDefinition<T> } = {
  TokenCreated: {
    version: 2,
    schema: z.strictObject({
      tokenId: tokenIdSchema,
      ...scope,
      card: cardFactsSchema,
      holder: cardHolderSchema,
      cvc: cvcDecisionSchema,
      livemode: z.boolean(),
    }),
    upcasters: {
      1: {
        schema: tokenCreatedV1,
        upcast: ({ cvcCheck, ...rest }: z.infer<typeof tokenCreatedV1>) => ({ ...rest, cvc: { check: cvcCheck, supplied: null, verifier: null } }),
      },
    },
  },
  TokenUsed: {
    version: 1,
    schema: z.strictObject({
      tokenId: tokenIdSchema,
      ...scope,
      usedFor: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('card'), card: cardIdSchema, customer: customerIdSchema }),
        z.strictObject({ kind: z.literal('charge'), charge: chargeIdSchema }),
      ]),
    }),
    upcasters: {},
  },
  CardCreated: {
    version: 1,
    schema: z.strictObject({
      cardId: cardIdSchema,
      ...scope,
      customer: customerIdSchema,
      card: cardFactsSchema,
      holder: cardHolderSchema,
      cvc: cvcDecisionSchema,
      cvcSource: cvcProvenanceSchema,
      metadata: metadataSchema,
    }),
    upcasters: {},
  },
  CardUpdated: {
    version: 1,
    schema: z.strictObject({ cardId: cardIdSchema, ...scope, customer: customerIdSchema, holder: holderPatchSchema, metadata: metadataSchema.optional() }),
    upcasters: {},
  },
  CardDeleted: { version: 1, schema: z.strictObject({ cardId: cardIdSchema, ...scope, customer: customerIdSchema }), upcasters: {} },
  CustomerCreated: {
    version: 1,
    schema: z.strictObject({
      customerId: customerIdSchema,
      ...scope,
      email: z.string().nullable(),
      description: z.string().nullable(),
      metadata: metadataSchema,
    }),
    upcasters: {},
  },
  CustomerUpdated: {
    version: 1,
    schema: z.strictObject({
      customerId: customerIdSchema,
      ...scope,
      email: z.string().nullable().optional(),
      description: z.string().nullable().optional(),
      metadata: metadataSchema.optional(),
    }),
    upcasters: {},
  },
  CardAttached: {
    version: 1,
    schema: z.strictObject({
      customerId: customerIdSchema,
      ...scope,
      card: cardIdSchema,
      fingerprint: z.string(),
      expMonth: z.number().int(),
      expYear: z.number().int(),
    }),
    upcasters: {},
  },
  DefaultCardChanged: {
    version: 1,
    schema: z.strictObject({ customerId: customerIdSchema, ...scope, card: cardIdSchema.nullable() }),
    upcasters: {},
  },
  CardDetached: { version: 1, schema: z.strictObject({ customerId: customerIdSchema, ...scope, card: cardIdSchema }), upcasters: {} },
  CustomerDeleted: { version: 1, schema: z.strictObject({ customerId: customerIdSchema, ...scope }), upcasters: {} },
  ChargeSucceeded: {
    version: 1,
    schema: z.strictObject({ ...chargeOpening, captured: z.boolean(), expiresAt: instantSchema.nullable() }),
    upcasters: {},
  },
  ChargeFailed: {
    version: 1,
    schema: z.strictObject({ ...chargeOpening, capture: z.boolean(), failureCode: z.enum(declineCodes), failureMessage: z.string() }),
    upcasters: {},
  },
  ChargeCaptured: { version: 1, schema: z.strictObject({ chargeId: chargeIdSchema, ...scope, amount: yenSchema, released: yenSchema }), upcasters: {} },
  ChargeRefunded: {
    version: 1,
    schema: z.strictObject({ chargeId: chargeIdSchema, ...scope, amount: yenSchema, reason: z.string().nullable() }),
    upcasters: {},
  },
  ChargeReauthorized: { version: 1, schema: z.strictObject({ chargeId: chargeIdSchema, ...scope, expiresAt: instantSchema }), upcasters: {} },
  ChargeUpdated: {
    version: 1,
    schema: z.strictObject({ chargeId: chargeIdSchema, ...scope, description: z.string().nullable().optional(), metadata: metadataSchema.optional() }),
    upcasters: {},
  },
  ChargeExpired: { version: 1, schema: z.strictObject({ chargeId: chargeIdSchema, ...scope }), upcasters: {} },
};

/** The registry seen without its per-type typing, for code that walks every type alike. */
interface AnyEventDefinition {
  readonly version: number;
  readonly schema: z.ZodType;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

export const isDomainEventType = (type: string): type is DomainEventType => Object.hasOwn(eventRegistry, type);

/** Where an event sits in the store, for error messages that let an operator find it. */
export interface EventLocation {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/** A stored event that cannot be read. Processing stops here: a recorded fact is never skipped. */
export class EventDecodingError extends Error {
  readonly _tag = 'EventDecodingError';
  readonly location: EventLocation;
  readonly type: string;
  readonly version: number;
  readonly reason: string;
  constructor(location: EventLocation, type: string, version: number, reason: string) {
    super(`Cannot read event ${type} v${version} at ${location.stream}@${location.revision} (position ${location.position}): ${reason}`);
    this.name = 'EventDecodingError';
    this.location = { stream: location.stream, revision: location.revision, position: location.position };
    this.type = type;
    this.version = version;
    this.reason = reason;
  }
}

const describeIssues = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

/**
 * Reads a stored event into a typed domain event: the version's schema, then each upcaster up to the current
 * version, then the current schema. Throws EventDecodingError naming stream, revision and position.
 */
export const decodeEvent = (stored: { readonly type: string; readonly version: number; readonly data: unknown } & EventLocation): DomainEvent => {
  const { type, version } = stored;
  if (!isDomainEventType(type)) throw new EventDecodingError(stored, type, version, 'unknown event type');
  const definition: AnyEventDefinition = eventRegistry[type];
  if (!Number.isInteger(version) || version < 1 || version > definition.version)
    throw new EventDecodingError(stored, type, version, `unknown version (current is ${definition.version})`);
  let data: unknown = stored.data;
  for (let v = version; v < definition.version; v++) {
    const upcaster = definition.upcasters[v];
    if (upcaster === undefined) throw new EventDecodingError(stored, type, version, `no upcaster from version ${v}`);
    const old = upcaster.schema.safeParse(data);
    if (!old.success) throw new EventDecodingError(stored, type, version, describeIssues(old.error));
    data = upcaster.upcast(old.data as never);
  }
  const current = definition.schema.safeParse(data);
  if (!current.success) throw new EventDecodingError(stored, type, version, describeIssues(current.error));
  return { type, data: current.data } as DomainEvent;
};

/**
 * `decodeEvent` for data that can never change (deeply frozen, as the memory store keeps it): checked the same way,
 * but a current-version event keeps its own data object instead of the schema's copy. Every schema is strict and
 * transforms nothing, so that copy would be equal to the input (the round-trip specs prove it); a store holding a
 * million events would otherwise hold each one twice. Upcast events still get new data.
 */
export const decodeFrozenEvent = (stored: { readonly type: string; readonly version: number; readonly data: unknown } & EventLocation): DomainEvent => {
  const decoded = decodeEvent(stored);
  return stored.version === eventRegistry[decoded.type].version ? ({ type: decoded.type, data: stored.data } as DomainEvent) : decoded;
};

/** The form in which a domain event is stored: its type, the current version of that type, its data. */
export const encodeEvent = (event: DomainEvent): { readonly type: DomainEventType; readonly version: number; readonly data: unknown } => ({
  type: event.type,
  version: eventRegistry[event.type].version,
  data: event.data,
});
