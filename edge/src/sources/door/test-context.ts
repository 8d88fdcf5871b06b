import type { Layout } from "@footfall/core";
import { silentLogger, type Logger } from "../../log.js";
import type { EventDraft, SourceContext } from "../../source.js";

/** A source context for tests: emitted drafts are collected, failures and what the source refused (`ctx.reject`) recorded. */
export function testContext<S>(settings: S, opts: { dataDir?: string; agent?: string; now?: () => number; log?: Logger } = {}) {
  const emitted: EventDraft[] = [];
  const failures: unknown[] = [];
  const rejects: Record<string, number> = {};
  const read = { n: 0 };
  const controller = new AbortController();
  const ctx: SourceContext<S> = {
    settings,
    agent: opts.agent ?? "test-agent",
    dataDir: opts.dataDir,
    emit: (e) => {
      if (!controller.signal.aborted) emitted.push(e);
    },
    log: opts.log ?? silentLogger,
    signal: controller.signal,
    layout: (): Layout | null => null,
    layoutsExpected: false,
    onLayout: () => () => {},
    now: opts.now ?? Date.now,
    fail: (err) => failures.push(err),
    reject: (reason, n = 1) => {
      rejects[reason] = (rejects[reason] ?? 0) + n;
    },
    read: (n = 1) => {
      read.n += n;
    },
  };
  return { ctx, emitted, failures, rejects, read, abort: () => controller.abort() };
}
