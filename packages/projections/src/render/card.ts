import { toUnixSeconds, type CardFacts, type CardHolder, type CvcDecision, type Metadata } from '@kessai/domain';

/** PAY.JP's card object (PAYJP-API.md 1.1), keys in the API's alphabetical order, nulls present. */
export interface PayjpCard {
  readonly address_city: string | null;
  readonly address_line1: string | null;
  readonly address_line2: string | null;
  readonly address_state: string | null;
  readonly address_zip: string | null;
  readonly address_zip_check: string;
  readonly brand: string;
  readonly country: string | null;
  readonly created: number;
  readonly customer: string | null;
  readonly cvc_check: string;
  readonly email: string | null;
  readonly exp_month: number;
  readonly exp_year: number;
  readonly fingerprint: string;
  readonly id: string;
  readonly is_jp: boolean;
  readonly last4: string;
  readonly livemode: boolean;
  readonly metadata: Metadata;
  readonly name: string | null;
  readonly object: 'card';
  readonly phone: string | null;
  readonly three_d_secure_status: string | null;
}

export interface CardRendering {
  readonly card: CardFacts;
  readonly holder: CardHolder;
  /** Shown as carried by the event: a view never looks cvc_check up elsewhere. */
  readonly cvc: CvcDecision;
  readonly customer: string | null;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly livemode: boolean;
}

export const renderCard = (r: CardRendering): PayjpCard => ({
  address_city: r.holder.addressCity,
  address_line1: r.holder.addressLine1,
  address_line2: r.holder.addressLine2,
  address_state: r.holder.addressState,
  address_zip: r.holder.addressZip,
  address_zip_check: r.card.addressZipCheck,
  brand: r.card.brand,
  country: r.holder.country,
  created: toUnixSeconds(r.createdAt),
  customer: r.customer,
  cvc_check: r.cvc.check,
  email: r.holder.email,
  exp_month: r.card.expMonth,
  exp_year: r.card.expYear,
  fingerprint: r.card.fingerprint,
  id: r.card.id,
  is_jp: r.card.issuedInJapan,
  last4: r.card.last4,
  livemode: r.livemode,
  metadata: r.metadata,
  name: r.holder.name,
  object: 'card',
  phone: r.holder.phone,
  three_d_secure_status: null,
});

const holderFields = {
  name: 'name',
  addressState: 'address_state',
  addressCity: 'address_city',
  addressLine1: 'address_line1',
  addressLine2: 'address_line2',
  addressZip: 'address_zip',
  country: 'country',
  email: 'email',
  phone: 'phone',
} as const satisfies Record<keyof CardHolder, keyof PayjpCard>;

/** A card object with a holder patch and new metadata applied; everything else, cvc_check included, untouched. */
export const patchCard = (card: PayjpCard, holder: Partial<Record<keyof CardHolder, string | null | undefined>>, metadata: Metadata | undefined): PayjpCard => {
  const next: Record<string, unknown> = { ...card };
  for (const [key, field] of Object.entries(holderFields)) {
    const value = holder[key as keyof CardHolder];
    if (value !== undefined) next[field] = value;
  }
  if (metadata !== undefined) next['metadata'] = metadata;
  return next as unknown as PayjpCard;
};
