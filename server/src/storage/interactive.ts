/**
 * Reads made for someone waiting: an HTTP request, a live client's join or push. A storage adapter
 * with several connection pools (PostgreSQL) runs them on a pool of their own, so that a chain
 * server's background reads (retained MQTT figures, alert evaluation, stores opened for ingest)
 * never queue ahead of them (issue 12: query p95 under ingest). SQLite ignores it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const marked = new AsyncLocalStorage<true>();

/** Runs `fn` (and everything it starts) as interactive. */
export function interactive<T>(fn: () => T): T {
  return marked.run(true, fn);
}

/** Marks the rest of the current execution (and what it starts) as interactive: for a hook that cannot wrap what follows it (Fastify's onRequest). */
export function markInteractive(): void {
  marked.enterWith(true);
}

/** Whether the caller runs on behalf of someone waiting. */
export function isInteractive(): boolean {
  return marked.getStore() === true;
}
