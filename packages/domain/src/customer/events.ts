import type { CardId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';

export interface CustomerCreated {
  readonly type: 'CustomerCreated';
  readonly data: {
    readonly customerId: CustomerId;
    readonly merchant: MerchantId;
    readonly at: number;
    readonly email: string | null;
    readonly description: string | null;
    readonly metadata: Metadata;
  };
}

/** Only the fields present changed; `metadata` is the whole metadata after the update. */
export interface CustomerUpdated {
  readonly type: 'CustomerUpdated';
  readonly data: {
    readonly customerId: CustomerId;
    readonly merchant: MerchantId;
    readonly at: number;
    readonly email?: string | null | undefined;
    readonly description?: string | null | undefined;
    readonly metadata?: Metadata | undefined;
  };
}

/** A card (already created from a token, in its own stream) now belongs to the customer. */
export interface CardAttached {
  readonly type: 'CardAttached';
  readonly data: {
    readonly customerId: CustomerId;
    readonly merchant: MerchantId;
    readonly at: number;
    readonly card: CardId;
    readonly fingerprint: string;
    readonly expMonth: number;
    readonly expYear: number;
  };
}

export interface DefaultCardChanged {
  readonly type: 'DefaultCardChanged';
  readonly data: { readonly customerId: CustomerId; readonly merchant: MerchantId; readonly at: number; readonly card: CardId | null };
}

export interface CardDetached {
  readonly type: 'CardDetached';
  readonly data: { readonly customerId: CustomerId; readonly merchant: MerchantId; readonly at: number; readonly card: CardId };
}

export interface CustomerDeleted {
  readonly type: 'CustomerDeleted';
  readonly data: { readonly customerId: CustomerId; readonly merchant: MerchantId; readonly at: number };
}

export type CustomerEvent = CustomerCreated | CustomerUpdated | CardAttached | DefaultCardChanged | CardDetached | CustomerDeleted;
