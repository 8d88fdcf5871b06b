/**
 * The demo banner's `Judge` line promises a comparison on the Experiments page only when the demo
 * store's history holds a day before its seeded layout change: a demo started with
 * `--backfill-hours 0` (no history) was told "Experiments > New experiment compares the day before
 * and after it" of a day it has no figure of. A restart reads when the figures held begin.
 * (A restart of a demo that holds no event yet back-fills its --backfill-hours, 72 by default: a promise then.)
 */
import { afterAll, describe, expect, it } from "vitest";
import { Child, FootfallApi, startDemo, tempDir, waitFor } from "../support/index.js";

const dir = tempDir("footfall-demo-judge-");
afterAll(() => dir.remove());
const PROMISE = "(Experiments > New experiment compares the day before and after it)";

async function demo(data: string, args: string[]): Promise<{ child: Child; judge: string; api: FootfallApi }> {
  const { child, banner, api } = await startDemo(args, { dataDir: data });
  return { child, judge: /Judge\s+(.+)/.exec(banner)?.[1] ?? "", api };
}

describe("footfall demo's Judge line", () => {
  it("with --backfill-hours 0, says the history begins after the change instead of promising a comparison", async () => {
    const data = `${dir.path}/none`;
    const first = await demo(data, ["--backfill-hours", "0"]);
    await first.child.stop("SIGINT");
    expect(first.judge).toMatch(/^a past layout change: Promotions moved from the back corner to the centre aisle on .+, but the store's history begins after it: Experiments has no day before it to compare/);
    expect(first.judge).not.toContain(PROMISE);
  }, 120_000);

  it("with the default 72 h of history, promises it, and still at a restart (the figures held begin 72 h back)", async () => {
    const data = `${dir.path}/default`;
    const first = await demo(data, []);
    expect(first.judge).toContain(PROMISE);
    // Some of the history committed: the figures held begin at its start.
    await waitFor("history stored", async () => ((await first.api.agents("demo")).agents[0]?.events ?? 0) > 2000, { timeoutMs: 60_000, intervalMs: 250 });
    await first.child.stop("SIGINT");
    const again = await demo(data, []);
    await again.child.stop("SIGINT");
    expect(again.judge).toContain(PROMISE);
  }, 180_000);
});
