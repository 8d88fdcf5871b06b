import { describe, expect, it } from "vitest";
import { createLogger } from "../log.js";
import type { AgentIdentity } from "../storage/types.js";
import { MqttAuthenticator, CONNACK } from "./mqtt-auth.js";
import { hashPassword, verifyPassword, verifyPasswordAsync } from "./secrets.js";

const CAM: AgentIdentity = { store: "shop", agent: "cam-1", kind: "camera" };
const DOOR: AgentIdentity = { store: "shop", agent: "door-1", kind: "door" };

/** Two agents with real `$7$` hashes (few iterations: the test is about the logic), and a counting check. */
function setup(o: { maxFailures?: number; now?: () => number } = {}) {
  const hashes: Record<string, string> = { "shop.cam-1": hashPassword("cam-secret", 10), "shop.door-1": hashPassword("door-secret", 10) };
  const who: Record<string, AgentIdentity> = { "shop.cam-1": CAM, "shop.door-1": DOOR };
  let checks = 0;
  const auth = new MqttAuthenticator(
    {
      credentials: (u) => (hashes[u] ? { ...who[u]!, hash: hashes[u] } : undefined),
      ownersOfClientId: (id) => [CAM, DOOR].filter((a) => `${a.store}-${a.agent}` === id),
    },
    {
      log: createLogger("silent"),
      maxFailures: o.maxFailures ?? 5,
      ...(o.now ? { now: o.now } : {}),
      verify: (p, h) => {
        checks++;
        return verifyPasswordAsync(p, h);
      },
    },
  );
  return { auth, hashes, checks: () => checks };
}

describe("MqttAuthenticator", () => {
  it("lets an agent in with its password and its own client id, or a tool's id no agent owns", async () => {
    const { auth } = setup();
    expect(await auth.login("shop.cam-1", "cam-secret", "shop-cam-1")).toMatchObject({ ok: true, who: CAM });
    expect(await auth.login("shop.cam-1", "cam-secret", "mosquitto_pub_123")).toMatchObject({ ok: true, who: CAM });
  });

  it("refuses a login it cannot check (the database does not answer) as 'server unavailable', reason unavailable, so the agent retries", async () => {
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const auth = new MqttAuthenticator({ credentials: () => Promise.reject(down), ownersOfClientId: () => [] }, { log: createLogger("silent") });
    expect(await auth.login("shop.cam-1", "cam-secret", "shop-cam-1")).toEqual({
      ok: false,
      returnCode: CONNACK.serverUnavailable,
      reason: "unavailable",
      message: "login check failed: connect ECONNREFUSED 127.0.0.1:5432",
    });
  });

  it("refuses another agent's client id as 'identifier rejected', even with good credentials", async () => {
    const { auth } = setup();
    const r = await auth.login("shop.door-1", "door-secret", "shop-cam-1");
    expect(r).toMatchObject({ ok: false, returnCode: CONNACK.identifierRejected, reason: "client_id" });
  });

  it("refuses a wrong password and an unknown user as bad credentials, the unknown one without a password check", async () => {
    const { auth, checks } = setup();
    expect(await auth.login("shop.cam-1", "guess", "x")).toMatchObject({ ok: false, returnCode: CONNACK.badCredentials });
    expect(await auth.login("shop.ghost", "guess", "x")).toMatchObject({ ok: false, returnCode: CONNACK.badCredentials });
    expect(checks()).toBe(1);
  });

  it("remembers a verified password: a reconnect runs no second check, a changed password is checked again", async () => {
    const { auth, hashes, checks } = setup();
    for (let i = 0; i < 5; i++) expect(await auth.login("shop.cam-1", "cam-secret", "shop-cam-1")).toMatchObject({ ok: true });
    expect(checks()).toBe(1);
    hashes["shop.cam-1"] = hashPassword("rotated", 10);
    expect(await auth.login("shop.cam-1", "cam-secret", "shop-cam-1")).toMatchObject({ ok: false });
    expect(await auth.login("shop.cam-1", "rotated", "shop-cam-1")).toMatchObject({ ok: true, cached: false });
  });

  it("runs at most maxFailures checks for a burst of 300 wrong guesses at once, and refuses the rest at once", async () => {
    const { auth, checks } = setup({ maxFailures: 5 });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => auth.login("shop.cam-1", `guess-${i}`, "x")));
    expect(checks()).toBe(5);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(295);
  });

  it("still lets the real agent in during a flood when its password was verified before", async () => {
    const { auth, checks } = setup({ maxFailures: 3 });
    await auth.login("shop.cam-1", "cam-secret", "shop-cam-1");
    await Promise.all(Array.from({ length: 50 }, () => auth.login("shop.cam-1", "guess", "x")));
    expect(await auth.login("shop.cam-1", "cam-secret", "shop-cam-1")).toMatchObject({ ok: true, cached: true });
    expect(checks()).toBe(4);
    // Another agent is not affected by the flood on cam-1.
    expect(await auth.login("shop.door-1", "door-secret", "shop-door-1")).toMatchObject({ ok: true });
  });

  it("checks again once the window has passed", async () => {
    let t = 0;
    const { auth, checks } = setup({ maxFailures: 2, now: () => t });
    for (let i = 0; i < 4; i++) await auth.login("shop.cam-1", "guess", "x");
    expect(checks()).toBe(2);
    t += 61_000;
    expect(await auth.login("shop.cam-1", "cam-secret", "shop-cam-1")).toMatchObject({ ok: true });
    expect(checks()).toBe(3);
  });
});

describe("verifyPasswordAsync", () => {
  it("agrees with the synchronous check on Mosquitto's $7$ hashes, and refuses malformed ones", async () => {
    const h = hashPassword("pw", 100);
    expect(h).toMatch(/^\$7\$100\$[^$]+\$[^$]+$/);
    for (const [p, stored] of [["pw", h], ["nope", h], ["pw", "$7$x$y$z"], ["pw", "plain"], ["pw", "$7$100$c2FsdA==$"]] as const) {
      expect(await verifyPasswordAsync(p, stored)).toBe(verifyPassword(p, stored));
    }
  });
});

describe("MqttAuthenticator's password checks", () => {
  it("runs at most maxConcurrentChecks at once, and every login still gets its answer", async () => {
    let running = 0;
    let most = 0;
    const hash = hashPassword("pw", 10);
    const agents = Array.from({ length: 40 }, (_, i) => ({ store: "shop", agent: `a-${i}`, kind: "sim" as const }));
    const auth = new MqttAuthenticator(
      { credentials: (u) => agents.map((a) => ({ ...a, hash })).find((a) => `${a.store}.${a.agent}` === u), ownersOfClientId: () => [] },
      {
        log: createLogger("silent"),
        maxConcurrentChecks: 2,
        verify: async (p, h) => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          return verifyPasswordAsync(p, h);
        },
      },
    );
    const results = await Promise.all(agents.map((a) => auth.login(`${a.store}.${a.agent}`, "pw", `${a.store}-${a.agent}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBe(2);
  });
});
