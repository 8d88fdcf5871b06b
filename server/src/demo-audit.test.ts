/**
 * What the demo sets up by itself is in the audit log, as the demo's actions (actor "demo"), on a real
 * SQLite data folder: its three tokens, its simulator's agent and the store's two layout versions at
 * the first run; at a restart that keeps them, only the agent's new password (`agent.rotate`, as the
 * CLI's, once a start: the demo gives sim-1 a new one at every start); a token or the agent an admin
 * revoked, made or let in again at the next start, once more.
 */
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/wait.js";
import { addDemoAgent, DEMO_ACTOR, demoTokens, seedDemoLayouts } from "./demo.js";
import { LayoutCache } from "./ingest/layouts.js";
import { openStorage } from "./storage.js";

const DAY = 86_400_000;

describe("the demo's own actions in the audit log", () => {
  const dir = tempDir("footfall-demo-audit-");
  afterAll(() => dir.remove());

  /** A start of the demo as runDemo sets up (layouts, agent, tokens), then the audit log, oldest first. */
  const start = async (at: number, before?: (storage: Awaited<ReturnType<typeof openStorage>>) => Promise<void>) => {
    const storage = await openStorage(dir.path);
    try {
      await before?.(storage);
      await seedDemoLayouts({ storage, layouts: new LayoutCache(storage), onLayoutSaved: async () => {} }, at, 72);
      await addDemoAgent(storage, "demo", "sim-1", at);
      const tokens = await demoTokens(storage, dir.path, at);
      const log = (await storage.audit.list({ limit: 100 })).reverse();
      return { tokens, log, tokenList: await storage.tokens.list() };
    } finally {
      await storage.close();
    }
  };
  const brief = (log: Awaited<ReturnType<typeof start>>["log"]) => log.map((e) => [e.actor.label, e.action, e.target, e.store]);

  const t0 = Date.UTC(2026, 11, 5, 14, 0);
  let first: Awaited<ReturnType<typeof start>>;

  it("records the first start's tokens, agent and layouts as the demo's", async () => {
    first = await start(t0);
    // Made in one instant: the three tokens, by the ids the log names.
    const ids = first.log.filter((e) => e.action === "token.create").map((e) => e.target);
    expect([...ids].sort()).toEqual(first.tokenList.map((t) => t.id).sort());
    expect(brief(first.log)).toEqual([
      [DEMO_ACTOR, "layout.save", "demo", "demo"],
      [DEMO_ACTOR, "layout.save", "demo", "demo"],
      [DEMO_ACTOR, "agent.add", "demo/sim-1", "demo"],
      [DEMO_ACTOR, "token.create", ids[0], null],
      [DEMO_ACTOR, "token.create", ids[1], "demo"],
      [DEMO_ACTOR, "token.create", ids[2], "demo"],
    ]);
    for (const e of first.log) expect(e.actor).toEqual({ tokenId: null, role: null, label: "demo" });
    // Which token is which, never the token itself.
    expect(first.log.filter((e) => e.action === "token.create").map((e) => [e.details?.role, e.details?.label])).toEqual([
      ["admin", "demo admin"],
      ["staff", "demo kiosk"],
      ["admin", "demo tills"],
    ]);
    expect(JSON.stringify(first.log)).not.toContain(first.tokens.admin);
    expect(first.log.find((e) => e.action === "agent.add")?.details).toEqual({ kind: "sim" });
  });

  let again: Awaited<ReturnType<typeof start>>;
  it("writes only the agent's new password at a restart that keeps the rest", async () => {
    again = await start(t0 + DAY);
    expect(again.tokens).toEqual(first.tokens);
    // Old demo: nothing, though sim-1's password of the first start no longer works.
    expect(brief(again.log)).toEqual([...brief(first.log), [DEMO_ACTOR, "agent.rotate", "demo/sim-1", "demo"]]);
    expect(again.log.at(-1)).toMatchObject({ ts: t0 + DAY, details: { kind: "sim", wasRevoked: false } });
  });

  it("records a token and the agent an admin revoked, made again and let in again at the next start, once", async () => {
    const at = t0 + 2 * DAY;
    const revoked = await start(at, async (storage) => {
      await storage.tokens.revoke(first.tokens.kiosk, at - 1);
      await storage.agents.revoke("demo", "sim-1", at - 1);
    });
    const kiosk = revoked.tokenList.find((t) => t.createdAt === at)!;
    expect(kiosk).toMatchObject({ role: "staff", store: "demo", label: "demo kiosk" });
    expect(brief(revoked.log.slice(again.log.length))).toEqual([
      [DEMO_ACTOR, "agent.rotate", "demo/sim-1", "demo"],
      [DEMO_ACTOR, "token.create", kiosk.id, "demo"],
    ]);
    expect(revoked.log.at(-2)?.details).toEqual({ kind: "sim", wasRevoked: true });
    // The next start: its new password only, once.
    const later = await start(at + DAY);
    expect(brief(later.log.slice(revoked.log.length))).toEqual([[DEMO_ACTOR, "agent.rotate", "demo/sim-1", "demo"]]);
    expect(later.log.at(-1)?.details).toEqual({ kind: "sim", wasRevoked: false });
  });
});
