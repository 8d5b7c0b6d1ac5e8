import type { EventStore, StoredEvent } from '@kessai/domain';
import { toProjected, type ProjectedEvent } from '../event.js';
import type { Generation, ReadModelStore } from '../read-model-store.js';
import { DocumentCache } from './document-cache.js';
import { diffGenerations, type DiffReport } from './diff.js';
import { reportedCollections, type ViewSet } from './view-set.js';

export interface Progress {
  readonly processed: number;
  readonly position: number;
  readonly head: number;
}

export interface RunnerOptions {
  readonly events: EventStore;
  readonly readModels: ReadModelStore;
  readonly views: ViewSet;
  /** Events per read and per commit. */
  readonly batchSize?: number;
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
  /** Catch-ups on one generation run one at a time, or two could apply the same events twice. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: RunnerOptions) {
    this.events = options.events;
    this.readModels = options.readModels;
    this.viewSet = options.views;
    this.batchSize = options.batchSize ?? 1000;
  }

  /** Brings the live generation up to the store's head (inline mode calls it after each command). */
  catchUp(onProgress?: (p: Progress) => void): Promise<Progress> {
    const run = this.queue.then(async () => {
      const generation = await this.readModels.active();
      // A generation this view set never wrote to is empty: memory holds the whole truth, as in a rebuild.
      const fresh = (await generation.checkpoint(this.viewSet.name)) === 0;
      return this.project(generation, new DocumentCache(fresh), { ...(onProgress ? { onProgress } : {}) }, !fresh);
    });
    this.queue = run.catch(() => undefined);
    return run;
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
    const cache = new DocumentCache(resumeFrom === 0);
    const progress = await this.project(generation, cache, options, false);
    if (options.stopAfter !== undefined && progress.position < progress.head)
      return { generation: name, previous: live.name, processed: progress.processed, position: progress.position, activated: false, diff: null };
    // Events appended while rebuilding: catch up on them too, then switch.
    const caughtUp = await this.project(generation, cache, {}, false);
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
    await this.project(generation, new DocumentCache(true), { stopAfter: stopAt }, false, include);
    return generation;
  }

  private async project(
    generation: Generation,
    cache: DocumentCache,
    options: Pick<RebuildOptions, 'onProgress' | 'stopAfter'>,
    /** Forget cached documents after each batch: others may write the generation between catch-ups. */
    forgetBetweenBatches: boolean,
    include: (e: StoredEvent) => boolean = () => true,
  ): Promise<Progress> {
    const checkpointName = this.viewSet.name;
    const authoritative = cache.authoritative;
    let position = await generation.checkpoint(checkpointName);
    const head = await this.events.headPosition();
    const limit = options.stopAfter ?? Number.POSITIVE_INFINITY;
    let processed = 0;
    while (position < limit) {
      const batch = await this.events.readAll({ after: position, limit: Math.min(this.batchSize, limit - position) });
      if (batch.length === 0) break;
      for (const stored of batch) {
        if (!include(stored)) continue;
        const projected = toProjected(stored);
        if (authoritative) this.applyViews(projected, cache);
        else await cache.applyEvent(generation, () => this.applyViews(projected, cache));
      }
      position = batch[batch.length - 1]!.position;
      processed += batch.length;
      await generation.commit(cache.takeWrites(), [{ projection: checkpointName, position }]);
      if (forgetBetweenBatches) cache.clear();
      options.onProgress?.({ processed, position, head: Math.max(head, position) });
    }
    return { processed, position, head: Math.max(head, position) };
  }

  private applyViews(event: ProjectedEvent, cache: DocumentCache): void {
    for (const view of this.viewSet.views) if (view.handles.has(event.event.type)) view.apply(event, cache);
  }
}

const nextGenerationName = (live: string, existing: readonly string[]): string => {
  const numbers = existing.map((n) => /-(\d+)$/.exec(n)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  const base = live.replace(/-\d+$/, '');
  return `${base}-${Math.max(0, ...numbers) + 1}`;
};
