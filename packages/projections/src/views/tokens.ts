import { toUnixSeconds, type DomainEventType } from '@kessai/domain';
import { renderCard } from '../render/card.js';
import type { PayjpToken } from '../render/resources.js';
import type { View } from '../view.js';
import { collections } from './collections.js';

export const tokensView: View = {
  name: 'tokens',
  collections: [collections.tokens],
  handles: new Set<DomainEventType>(['TokenCreated', 'TokenUsed']),
  apply: ({ event, position }, docs) => {
    switch (event.type) {
      case 'TokenCreated': {
        const { data } = event;
        const token: PayjpToken = {
          card: renderCard({ card: data.card, holder: data.holder, cvc: data.cvc, customer: null, metadata: {}, createdAt: data.at, livemode: data.livemode }),
          created: toUnixSeconds(data.at),
          id: data.tokenId,
          livemode: data.livemode,
          object: 'token',
          used: false,
        };
        docs.put(collections.tokens, data.merchant, data.tokenId, token, {
          merchant: data.merchant,
          created: token.created,
          seq: position,
          keys: {},
        });
        return;
      }
      case 'TokenUsed': {
        const { merchant, tokenId } = event.data;
        const token = docs.get<PayjpToken>(collections.tokens, merchant, tokenId);
        if (token !== null) docs.put(collections.tokens, merchant, tokenId, { ...token, used: true }, null);
        return;
      }
      default:
        return;
    }
  },
};
