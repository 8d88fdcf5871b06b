import type { IngestMessage } from "../../server/src/ingest/pipeline.js";
import type { TransportHandlers } from "../../server/src/mqtt/transport.js";

/**
 * Transport handlers whose event messages wait for a commit that comes one every `everyMs` (a slow
 * ingest behind a backlog), counting how often each payload arrived. `stop()` ends the commits.
 */
export function slowCommits(everyMs: number) {
  const seen = new Map<string, number>();
  const held: IngestMessage[] = [];
  const handlers: TransportHandlers = {
    events: (m) => {
      const body = m.payload.toString();
      seen.set(body, (seen.get(body) ?? 0) + 1);
      held.push(m);
    },
    status: () => {},
    audit: () => {},
    reject: () => {},
    isKnownAgent: () => Promise.resolve(true),
  };
  const timer = setInterval(() => held.shift()?.done(), everyMs);
  return {
    seen,
    held,
    handlers,
    /** Payloads that arrived more than once. */
    copies: () => [...seen].filter(([, n]) => n > 1).map(([body]) => body),
    stop: () => clearInterval(timer),
  };
}
