import { createHash } from 'node:crypto';
import { ID_LENGTH, idPrefixes, type IdGenerator, type IdKind } from '@kessai/domain';

/**
 * Ids derived from a merchant's idempotency key: the same key names the same objects and the same correlation id
 * every time the command runs. That is what lets a command interrupted half-way (on a store whose appends are per
 * stream, as EventStoreDB's) be run again and finish, instead of leaving a used token and no card.
 */
export class DerivedIds implements IdGenerator {
  private readonly seed: string;
  private readonly counts = new Map<IdKind, number>();

  constructor(merchant: string, idempotencyKey: string) {
    this.seed = `${merchant}\u0000${idempotencyKey}`;
  }

  next(kind: IdKind): string {
    const n = this.counts.get(kind) ?? 0;
    this.counts.set(kind, n + 1);
    const prefix = idPrefixes[kind];
    const hex = createHash('sha256').update(`${this.seed}\u0000${kind}\u0000${n}`).digest('hex');
    return prefix + hex.slice(0, ID_LENGTH - prefix.length);
  }
}
