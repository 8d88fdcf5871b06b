/**
 * Stopping on a link to PostgreSQL that died silently (a firewall or NAT forgot it, a cable cut: no FIN, no RST): a query
 * on it is never answered and a polite end waits for an answer that never comes, so every await of a stop is bounded.
 * The chain bus's close (febc9ed), the node's lease release (aa082a2) and the digests' address note (b35d5e2) bound theirs
 * the same way: {@link STOP_WAIT_MS}, then the sockets are destroyed.
 */
import type pg from "pg";

/** How long a stopping part waits for an answer from PostgreSQL before it gives up on it (and destroys its sockets). */
export const STOP_WAIT_MS = 2_000;

/** Whether `p` is still unsettled after `ms` (it goes on; a rejection is the caller's to handle). */
export async function lateBy(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = await Promise.race([
    p.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms))),
  ]);
  clearTimeout(timer);
  return late;
}

/**
 * Destroys a pg client's socket: its query in flight fails (a connection error), its pool removes it. The client's own
 * 'error' event (a connection in use has no pool listener: it would be an uncaught exception) is expected, and ignored.
 */
export function destroySocket(client: pg.ClientBase): void {
  client.on("error", () => {});
  (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
}

/**
 * The sockets of `pools`' connections, from their connect until they close (a pool's end ends idle connections politely
 * without waiting: on a dead link their sockets would stay open, and keep the process alive).
 */
export class PoolSockets {
  private readonly open = new Set<pg.ClientBase>();
  private readonly pools: pg.Pool[];

  constructor(pools: readonly (pg.Pool | null | undefined)[]) {
    this.pools = pools.filter((p): p is pg.Pool => !!p);
    for (const pool of this.pools)
      pool?.on("connect", (client) => {
        const stream = (client as unknown as { connection?: { stream?: NodeJS.EventEmitter } }).connection?.stream;
        if (!stream) return;
        this.open.add(client);
        stream.once("close", () => this.open.delete(client));
      });
  }

  /** How many are still open. */
  get size(): number {
    return this.open.size;
  }

  /** Destroys those still open, and those of connections still being made (pg-pool's own list); returns how many. */
  destroy(): number {
    const all = new Set(this.open);
    for (const pool of this.pools) for (const client of (pool as unknown as { _clients?: pg.ClientBase[] })._clients ?? []) all.add(client);
    for (const client of all) destroySocket(client);
    return all.size;
  }

  /**
   * Ends the pools (`end`) and waits up to `ms` for that and for every socket to close; past it the sockets still open are
   * destroyed (their queries fail, so the pools' ends come), and the number destroyed is returned (0: a clean end).
   */
  async endWithin(end: () => Promise<unknown>, ms = STOP_WAIT_MS): Promise<number> {
    const ended = end().catch(() => {});
    const deadline = Date.now() + ms;
    const allClosed = (async () => {
      await ended;
      while (this.open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    })();
    await lateBy(allClosed, ms);
    const destroyed = this.destroy();
    await ended;
    return destroyed;
  }
}
