import type { EventStore, StoredEvent } from '@kessai/domain';
import { toProjected, type ProjectedEvent } from '../event.js';
import type { DocumentAccess } from '../view.js';
import { CheckpointMovedError, type DirectDocuments, type DocumentWrite, type Generation, type ReadModelStore } from '../read-model-store.js';
import { DocumentCache, type DocumentCacheStats } from './document-cache.js';
import { diffGenerations, type DiffReport } from './diff.js';
import { reportedCollections, type ViewSet } from './view-set.js';

export interface Progress {
  /** Events read by this run. */
  readonly processed: number;
  /** The position the views have reached (their checkpoint). */
  readonly position: number;
  /**
   * The store's head when the run started (or the position reached, if higher). A catch-up that reports no
   * progress and has no `stopAfter` does not read the head, and answers the position reached.
   */
  readonly head: number;
}

/** What a catch-up did, and the generation it did it on. */
export interface CaughtUp {
  readonly progress: Progress;
  /**
   * The live generation it brought up to date. Reading a document its last batch committed answers that commit's
   * version from memory, with no store read: the state right after the caller's command, even if another process
   * has moved the document on since. Everything else is read from the store.
   */
  readonly generation: Generation;
}

export interface RunnerOptions {
  readonly events: EventStore;
  readonly readModels: ReadModelStore;
  readonly views: ViewSet;
  /** Events per read and per commit. */
  readonly batchSize?: number;
  /**
   * Documents kept in memory between batches (default: no limit). A rebuild of millions of events makes millions
   * of documents; with a limit, the least recently used leave memory once committed and are read back from the
   * generation if an event needs them again (see DocumentCache).
   */
  readonly cacheLimit?: number;
}

export interface RebuildOptions {
  /** Name of the new generation; an existing one of that name is resumed from its checkpoint. */
  readonly generation?: string;
  readonly onProgress?: (progress: Progress) => void;
  /** Compare the new generation with the live one before switching (default true). */
  readonly diff?: boolean;
  /** Switch readers to the new generation when it has caught up (default true). */
  readonly activate?: boolean;
  /** Stop after this position (tests use it to simulate a crash mid-rebuild). */
  readonly stopAfter?: number;
}

export interface RebuildResult {
  readonly generation: string;
  readonly previous: string;
  readonly processed: number;
  readonly position: number;
  readonly activated: boolean;
  readonly diff: DiffReport | null;
  /** What the document cache did (how many documents left memory and were read back). */
  readonly cache: DocumentCacheStats;
}

/**
 * Keeps a view set up to date from an event store. Pure views do the work; the runner reads in batches, applies
 * every view to each event in order and commits each batch's documents together with its checkpoint, so a crash
 * resumes exactly where the last commit ended. It drives no side effects: webhooks have their own reactor.
 */
export class ProjectionRunner {
  private readonly events: EventStore;
  private readonly readModels: ReadModelStore;
  private readonly viewSet: ViewSet;
  private readonly batchSize: number;
  private readonly cacheLimit: number;
  /** Catch-ups on one generation run one at a time, or two could apply the same events twice. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The queued catch-up that has not started yet, which later callers join (both views of the same run). */
  private nextCatchUp: { readonly live: Promise<CaughtUp>; readonly progress: Promise<Progress> } | undefined;

  constructor(options: RunnerOptions) {
    this.events = options.events;
    this.readModels = options.readModels;
    this.viewSet = options.views;
    this.batchSize = options.batchSize ?? 1000;
    this.cacheLimit = options.cacheLimit ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Brings the live generation up to the store's head (inline mode calls it after each command). Catch-ups run one
   * at a time; callers that arrive while one runs share the next one, which starts after their call and so covers
   * their events: ten commands finishing together cost two catch-ups, not ten in a row. A caller that wants
   * progress reports gets a run of its own.
   */
  catchUp(onProgress?: (p: Progress) => void): Promise<Progress> {
    if (onProgress === undefined && this.nextCatchUp !== undefined) return this.nextCatchUp.progress;
    const live = this.catchUpLive(onProgress);
    // The shared run answers every caller with one promise, as the run itself is one.
    return onProgress === undefined && this.nextCatchUp?.live === live ? this.nextCatchUp.progress : live.then((r) => r.progress);
  }

  /**
   * `catchUp`, answering also the live generation it brought up to date: reading that one (not whatever
   * `active()` answers a moment later, after another process may have switched generations) shows the caller's
   * own writes, and saves looking the live generation up again.
   */
  catchUpLive(onProgress?: (p: Progress) => void): Promise<CaughtUp> {
    if (onProgress === undefined && this.nextCatchUp !== undefined) return this.nextCatchUp.live;
    const run: Promise<CaughtUp> = this.queue.then(async (): Promise<CaughtUp> => {
      if (this.nextCatchUp?.live === run) this.nextCatchUp = undefined;
      const { generation, checkpoint } = await this.liveWithCheckpoint();
      // A generation this view set never wrote to is empty: memory holds the whole truth, as in a rebuild.
      const fresh = checkpoint === 0;
      const committed: LastCommit = { writes: [] };
      const held = { cache: this.cache(fresh), committed };
      const progress = await this.projectRetrying(generation, held, { ...(onProgress ? { onProgress } : {}) }, !fresh, undefined, checkpoint);
      return { progress, generation: committed.writes.length === 0 ? generation : readingCommitted(generation, committed.writes) };
    });
    this.queue = run.catch(() => undefined);
    // `handled`: a failed run is reported to its callers, not also as an unhandled rejection of the view nobody used.
    if (onProgress === undefined) this.nextCatchUp = { live: run, progress: handled(run.then((r) => r.progress)) };
    return run;
  }

  private async liveWithCheckpoint(): Promise<{ readonly generation: Generation; readonly checkpoint: number }> {
    if (this.readModels.activeWithCheckpoint !== undefined) return this.readModels.activeWithCheckpoint(this.viewSet.name);
    const generation = await this.readModels.active();
    return { generation, checkpoint: await generation.checkpoint(this.viewSet.name) };
  }

  /**
   * Builds the view set into a new generation beside the live one (blue/green), then switches readers to it in one
   * step. Resumable: run again with the same generation name after a crash and it continues from its checkpoint.
   */
  async rebuild(options: RebuildOptions = {}): Promise<RebuildResult> {
    const live = await this.readModels.active();
    const name = options.generation ?? nextGenerationName(live.name, await this.readModels.generations());
    const generation = await this.readModels.generation(name);
    const resumeFrom = await generation.checkpoint(this.viewSet.name);
    // A generation built from nothing holds every document in memory: a miss means absent, no store read needed.
    const held = { cache: this.cache(resumeFrom === 0) };
    const progress = await this.projectRetrying(generation, held, options, false, undefined, resumeFrom);
    if (options.stopAfter !== undefined && progress.position < progress.head)
      return { generation: name, previous: live.name, processed: progress.processed, position: progress.position, activated: false, diff: null, cache: held.cache.stats };
    // Events appended while rebuilding: catch up on them too, then switch.
    const caughtUp = await this.projectRetrying(generation, held, {}, false);
    const diff = options.diff === false ? null : await diffGenerations(live, generation, reportedCollections);
    const activate = options.activate !== false;
    if (activate) await this.readModels.activate(name);
    return {
      generation: name,
      previous: live.name,
      processed: progress.processed + caughtUp.processed,
      position: caughtUp.position,
      activated: activate,
      diff,
      cache: held.cache.stats,
    };
  }

  /**
   * Builds the view set as of a moment into `target` (a fresh store): every event at or before `position`, or
   * every event that occurred at or before `time` (epoch ms). "What did GET /v1/charges show at 18:00 JST?"
   */
  async buildAsOf(target: ReadModelStore, asOf: { readonly position: number } | { readonly time: number }): Promise<Generation> {
    const generation = await target.active();
    const include = 'position' in asOf ? (e: StoredEvent) => e.position <= asOf.position : (e: StoredEvent) => e.metadata.occurredAt <= asOf.time;
    const stopAt = 'position' in asOf ? asOf.position : Number.POSITIVE_INFINITY;
    await this.projectRetrying(generation, { cache: this.cache(true) }, { stopAfter: stopAt }, false, include);
    return generation;
  }

  /**
   * `project`, run again from the stored checkpoint when another runner (another process) committed the same events
   * first (CheckpointMovedError): what this runner held in memory may then be stale, so it starts again with a cache
   * that trusts nothing it has not read back.
   */
  private async projectRetrying(
    generation: Generation,
    held: { cache: DocumentCache; readonly committed?: LastCommit },
    options: Pick<RebuildOptions, 'onProgress' | 'stopAfter'>,
    forgetBetweenBatches: boolean,
    include?: (e: StoredEvent) => boolean,
    /** The checkpoint, when the caller has just read it (a retry reads it again). */
    checkpoint?: number,
  ): Promise<Progress> {
    // No limit: each conflict means another runner moved the checkpoint on, so the work left keeps shrinking.
    for (let from = checkpoint; ; from = undefined) {
      try {
        return await this.project(generation, held.cache, options, forgetBetweenBatches, include, from, held.committed);
      } catch (e) {
        if (!(e instanceof CheckpointMovedError)) throw e;
        held.cache = this.cache(false);
      }
    }
  }

  private cache(authoritative: boolean): DocumentCache {
    return new DocumentCache(authoritative, { limit: this.cacheLimit });
  }

  /**
   * Reads, applies and commits batch after batch. Three things overlap, each waiting only for what it needs: the
   * read of the next batch runs while the views apply the current one, and the commit of a batch runs while the
   * views apply the next. Commits still go one at a time and in order, each with the checkpoint of the documents it
   * carries, so a crash leaves the generation at the end of some batch, as before. A batch's documents stay in
   * memory until its commit is done (DocumentCache.committed), so no store read can miss a write in flight.
   * Catch-ups on a live generation forget documents after each batch and do not overlap commits. A batch shorter
   * than asked for is the last: the run reads no further (an inline catch-up after a command is one short batch).
   * The store's head is read only for progress reports and `stopAfter`; otherwise the head reported is where the
   * run ended.
   */
  private async project(
    generation: Generation,
    cache: DocumentCache,
    options: Pick<RebuildOptions, 'onProgress' | 'stopAfter'>,
    /** Forget cached documents after each batch: others may write the generation between catch-ups. */
    forgetBetweenBatches: boolean,
    include: (e: StoredEvent) => boolean = () => true,
    checkpoint?: number,
    /** Given the writes of each batch once committed, so it ends holding the last batch's. */
    committed?: LastCommit,
  ): Promise<Progress> {
    const checkpointName = this.viewSet.name;
    let position = checkpoint ?? (await generation.checkpoint(checkpointName));
    const head = options.onProgress !== undefined || options.stopAfter !== undefined ? await this.events.headPosition() : 0;
    const limit = options.stopAfter ?? Number.POSITIVE_INFINITY;
    const read = (after: number): Promise<Batch> => {
      if (after >= limit) return Promise.resolve({ events: [], last: true });
      const asked = Math.min(this.batchSize, limit - after);
      return handled(this.events.readAll({ after, limit: asked }).then((events) => ({ events, last: events.length < asked })));
    };
    if (generation.direct !== undefined) return this.projectDirect(generation.direct(), position, head, read, options, include);
    let processed = 0;
    /** The commit in flight, with what to report once it is done. */
    let committing: { readonly done: Promise<void>; readonly batch: number; readonly progress: Progress } | undefined;
    const settle = async () => {
      if (committing === undefined) return;
      const { done, batch, progress } = committing;
      committing = undefined;
      await done;
      cache.committed(batch);
      options.onProgress?.(progress);
    };
    let next: Promise<Batch> | null = read(position);
    try {
      while (position < limit && next !== null) {
        const { events: batch, last: lastBatch }: Batch = await next;
        if (batch.length === 0) break;
        const last: number = batch[batch.length - 1]!.position;
        next = lastBatch ? null : read(last);
        const projected = decodeBatch(batch, include);
        if (!cache.missesPossible) for (const event of projected) this.applyViews(event, cache);
        else {
          // Documents memory does not hold are fetched for the whole batch at once, not one event at a time (a
          // few events, as an inline catch-up after a command, are not worth a probing pass).
          if (projected.length >= PREFETCH_MIN_EVENTS)
            await cache.prefetch(generation, projected.length, (i, docs) => this.applyViews(projected[i]!, docs));
          for (const event of projected) {
            const missed = cache.applyEvent(generation, () => this.applyViews(event, cache));
            if (missed !== undefined) await missed;
          }
        }
        // The commit moves the checkpoint from where this batch started, or fails if another runner moved it.
        const checkpoint = { projection: checkpointName, position: last, from: position };
        position = last;
        processed += batch.length;
        const taken = cache.nextBatch;
        const writes = cache.takeWrites();
        await settle();
        committing = { done: handled(generation.commit(writes, [checkpoint])), batch: taken, progress: { processed, position, head: Math.max(head, position) } };
        if (forgetBetweenBatches) {
          await settle();
          cache.clear();
          if (committed !== undefined) committed.writes = writes;
        }
      }
      await settle();
    } finally {
      // On a failure, leave nothing running behind: the commit in flight ends (its error is the one to report if
      // nothing failed before it), and the read ahead is not awaited by anyone.
      if (committing !== undefined) await committing.done.catch(() => undefined);
    }
    return { processed, position, head: Math.max(head, position) };
  }

  /**
   * The same projection on a generation in this process (DirectDocuments): each batch is decoded whole first (an
   * event that cannot be read stops the run before anything of its batch is written), then applied without
   * yielding, then the checkpoint moves. A view that throws half-way makes the generation unusable.
   */
  private async projectDirect(
    docs: DirectDocuments,
    from: number,
    head: number,
    read: (after: number) => Promise<Batch>,
    options: Pick<RebuildOptions, 'onProgress' | 'stopAfter'>,
    include: (e: StoredEvent) => boolean,
  ): Promise<Progress> {
    let position = from;
    let processed = 0;
    for (let next: Promise<Batch> | null = read(position); next !== null; ) {
      const { events: batch, last: lastBatch }: Batch = await next;
      if (batch.length === 0) break;
      const last: number = batch[batch.length - 1]!.position;
      next = lastBatch ? null : read(last);
      const projected = decodeBatch(batch, include);
      // Another runner in this process may have applied these events between two batches of this one.
      const stored = docs.checkpoint(this.viewSet.name);
      if (stored !== position) throw new CheckpointMovedError(this.viewSet.name, position, stored);
      try {
        for (const event of projected) this.applyViews(event, docs);
      } catch (e) {
        docs.fail(e);
        throw e;
      }
      docs.setCheckpoint(this.viewSet.name, last);
      position = last;
      processed += batch.length;
      options.onProgress?.({ processed, position, head: Math.max(head, position) });
    }
    return { processed, position, head: Math.max(head, position) };
  }

  private applyViews(event: ProjectedEvent, docs: DocumentAccess): void {
    for (const view of this.viewSet.views) if (view.handles.has(event.event.type)) view.apply(event, docs);
  }
}

/** A read of the log: its events, and whether it was the last (shorter than asked: nothing more to read now). */
interface Batch {
  readonly events: readonly StoredEvent[];
  readonly last: boolean;
}

/** The events of a batch the run includes, decoded (an event that cannot be read stops it here, before any view). */
const decodeBatch = (batch: readonly StoredEvent[], include: (e: StoredEvent) => boolean): ProjectedEvent[] => {
  const projected: ProjectedEvent[] = [];
  for (const stored of batch) if (include(stored)) projected.push(toProjected(stored));
  return projected;
};

/** Batches smaller than this apply their misses one by one, without `DocumentCache.prefetch`. */
const PREFETCH_MIN_EVENTS = 32;

/** Marks a promise as handled (it is awaited later, maybe after it settles), so a failure is not reported twice. */
const handled = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

const nextGenerationName = (live: string, existing: readonly string[]): string => {
  const numbers = existing.map((n) => /-(\d+)$/.exec(n)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  const base = live.replace(/-\d+$/, '');
  return `${base}-${Math.max(0, ...numbers) + 1}`;
};

/** The writes of a live catch-up's last committed batch (see CaughtUp.generation). */
interface LastCommit {
  writes: readonly DocumentWrite[];
}

/**
 * `generation`, answering `get` for the documents `writes` committed from memory (see CaughtUp.generation). Their
 * map is made at the first `get`: most catch-ups (a webhook scan, a progress report) never read through it.
 */
const readingCommitted = (generation: Generation, writes: readonly DocumentWrite[]): Generation => {
  let byKey: Map<string, unknown> | undefined;
  const key = (collection: string, id: string) => `${collection}\u0000${id}`;
  return {
    name: generation.name,
    get: (collection, id) => {
      // Later writes of a batch replace earlier ones, as the commit applied them.
      byKey ??= new Map(writes.map((w) => [key(w.collection, w.id), w.doc]));
      const k = key(collection, id);
      return byKey.has(k) ? Promise.resolve(byKey.get(k) ?? null) : generation.get(collection, id);
    },
    getMany: (collection, ids) => generation.getMany(collection, ids),
    list: (query) => generation.list(query),
    scan: (collection) => generation.scan(collection),
    commit: (batch, checkpoints) => generation.commit(batch, checkpoints),
    checkpoint: (projection) => generation.checkpoint(projection),
  };
};
