/**
 * What the demo sets up by itself is in the audit log, as the demo's actions (actor "demo"), on a real
 * SQLite data folder: its three tokens, its simulator's agent and the store's two layout versions at
 * the first run; at a restart that keeps them, nothing: sim-1 keeps the password its data folder holds
 * (a restart of the demo is not an operator rotating credentials; the old demo wrote an `agent.rotate` at
 * every start, a chain demo's ~20); a token or the agent an admin revoked, made or let in again at the
 * next start, once; the agent an admin gave a new password, given the demo's own again, once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/wait.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { addDemoAgent, DEMO_ACTOR, demoTokens, savedChainCredentials, savedSimCredentials, seedDemoLayouts } from "./demo.js";
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
      // As the demo does: the credentials its data folder kept from the last start, written back for the next.
      const file = join(dir.path, "demo-chain-agents.jsonl");
      const creds = await addDemoAgent(storage, "demo", "sim-1", at, savedChainCredentials(file).get("demo/sim-1"));
      writeFileSync(file, `${JSON.stringify(creds)}\n`);
      const tokens = await demoTokens(storage, dir.path, at);
      const log = (await storage.audit.list({ limit: 100 })).reverse();
      return { tokens, log, tokenList: await storage.tokens.list(), creds, works: (await storage.agents.authenticate(creds.username, creds.password)) !== undefined };
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
  it("writes nothing at a restart that keeps the rest: the agent keeps its password", async () => {
    again = await start(t0 + DAY);
    expect(again.tokens).toEqual(first.tokens);
    expect(again.creds).toEqual(first.creds);
    expect(again.works).toBe(true);
    // Old demo: an agent.rotate at every start (the demo gave sim-1 a new password each time).
    expect(brief(again.log)).toEqual(brief(first.log));
    expect(again.log.filter((e) => e.action === "agent.rotate")).toEqual([]);
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
    expect(revoked.works).toBe(true);
    expect(revoked.creds.password).not.toBe(first.creds.password);
    // The next start: nothing more.
    const later = await start(at + DAY);
    expect(later.log.length).toBe(revoked.log.length);
    expect(later.creds).toEqual(revoked.creds);
  });

  it("gives the agent the demo's own password again, once, when an admin gave it another (the kept one no longer works)", async () => {
    const at = t0 + 4 * DAY;
    const before = await start(at - 1);
    const rotated = await start(at, async (storage) => void (await storage.agents.add("demo", "sim-1", "sim", at - 1)));
    expect(brief(rotated.log.slice(before.log.length))).toEqual([[DEMO_ACTOR, "agent.rotate", "demo/sim-1", "demo"]]);
    expect(rotated.log.at(-1)?.details).toEqual({ kind: "sim", wasRevoked: false });
    expect(rotated.works).toBe(true);
  });

  it("reads the single-store demo's kept credentials from its simulator config, and none from a file it cannot use", () => {
    const file = join(dir.path, "demo-sim.json");
    writeFileSync(file, JSON.stringify({ store: "demo", agent: "sim-1", mqtt: { url: "mqtt://localhost:1883", username: "demo-sim-1", password: "pw" } }));
    expect(savedSimCredentials(file)).toEqual({ store: "demo", agent: "sim-1", username: "demo-sim-1", password: "pw" });
    writeFileSync(file, "{not json");
    expect(savedSimCredentials(file)).toBeNull();
    expect(savedSimCredentials(join(dir.path, "missing.json"))).toBeNull();
    writeFileSync(file, `${JSON.stringify({ store: "demo", agent: "sim-1", username: 1, password: "pw" })}\nnope\n`);
    expect(savedChainCredentials(file).size).toBe(0);
  });
});
