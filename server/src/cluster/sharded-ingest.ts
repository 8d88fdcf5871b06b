import type { Ingest, IngestMessage, IngestOptions } from "../ingest/pipeline.js";
import { IngestPipeline } from "../ingest/pipeline.js";

/**
 * Ingest of a chain's server: one group-commit pipeline per shard, so that the shards' commits run
 * side by side on the pool's connections (a commit waits on the database most of its time) and
 * each commit is fenced by one lease. Within a shard, commits stay one after another, so a store's
 * analytics are staged in order.
 */
export class ShardedIngest implements Ingest {
  private readonly pipelines = new Map<number, IngestPipeline>();

  constructor(
    private readonly opts: IngestOptions,
    private readonly shardOf: (store: string) => number,
  ) {}

  private of(store: string): IngestPipeline {
    const shard = this.shardOf(store);
    let p = this.pipelines.get(shard);
    if (!p) this.pipelines.set(shard, (p = new IngestPipeline(this.opts)));
    return p;
  }

  submit(msg: IngestMessage): void {
    this.of(msg.store).submit(msg);
  }

  /** The pipelines of these stores' shards: their next few commits get a connection first (the shards were just taken over). */
  prioritize(stores: readonly string[]): void {
    // One store of each shard: its pipeline (made by `of` when new) is the shard's.
    const oneOfEach = new Map(stores.map((store) => [this.shardOf(store), store]));
    for (const store of oneOfEach.values()) this.of(store).prioritizeNext();
  }

  reject(store: string, agent: string, reason: string, detail: string, eventId?: string): void {
    this.of(store).reject(store, agent, reason, detail, eventId);
  }

  async drained(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.drained()));
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.flush()));
  }

  backlog(): { messages: number; oldestMs: number } {
    let messages = 0;
    let oldestMs = 0;
    for (const p of this.pipelines.values()) {
      const b = p.backlog();
      messages += b.messages;
      oldestMs = Math.max(oldestMs, b.oldestMs);
    }
    return { messages, oldestMs };
  }
}
