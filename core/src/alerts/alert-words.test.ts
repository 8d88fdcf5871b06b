/**
 * An agent-offline alert's words: the agent by name and its silence in the Alerts view's threshold words. It read
 * "Store: agent silent for 0 min" for a 20-s rule (every time rounded to minutes) and did not say which agent.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertMessage, durationAbove, durationWords, silentAgentOf } from "./evaluate.js";
import type { AlertRule } from "./types.js";

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({ id: "r1", store: "shop", kind: "agent-offline", threshold: 20, forSeconds: 0, cooldownSeconds: 0, enabled: true, ...over });

describe("an agent-offline alert's message", () => {
  it("names the silent agent and says 20 s, not 'Store: agent silent for 0 min'", () => {
    const f = { agents: { "sim-1": { lastSeen: 1_000 }, "door-1": { lastSeen: 20_000 }, "new-1": { lastSeen: null } } };
    expect(alertMessage(rule(), 20.4, f)).toBe("sim-1 silent for 20 s");
    expect(alertMessage(rule({ agent: "door-1" }), 90, f)).toBe("door-1 silent for 1 min 30 s");
    expect(alertMessage(rule({ zone: "fruit" }), 300, { ...f, zoneAgents: { fruit: ["door-1", "new-1"] } })).toBe("fruit: door-1 silent for 5 min");
    expect(alertMessage(rule(), 39_360, f)).toBe("sim-1 silent for 10 h 56 min");
    expect(alertMessage(rule(), 20, undefined)).toBe("Store: an agent silent for 20 s");
  });

  it("a counter's silence in the same words", () => {
    expect(alertMessage(rule({ kind: "counter-silent", zone: "fruit", threshold: 30 }), 45, { zoneNames: { fruit: "Fruit" } })).toBe("Fruit: no counts for 45 s while open");
  });

  it("the agent named is the one silent longest among those watched", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.option(fc.integer({ min: 0, max: 1e9 })), { minKeys: 1 }), (seen) => {
        const agents = Object.fromEntries(Object.entries(seen).map(([id, lastSeen]) => [id, { lastSeen }]));
        const heard = Object.entries(seen).filter((e): e is [string, number] => e[1] !== null);
        const got = silentAgentOf({}, { agents });
        if (heard.length === 0) expect(got).toBeNull();
        else expect(seen[got!]).toBe(Math.min(...heard.map((e) => e[1])));
      }),
    );
  });
});

describe("durationWords", () => {
  it("says whole seconds as minutes and seconds under an hour, hours and minutes from one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 }), (s) => {
        const m = /^(?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?$/.exec(durationWords(s))!;
        expect(m).not.toBeNull();
        const [h, min, sec] = [m[1], m[2], m[3]].map((x) => Number(x ?? 0)) as [number, number, number];
        if (s < 3600) expect(h * 3600 + min * 60 + sec).toBe(s);
        else expect([h, min, sec]).toEqual([Math.floor(Math.round(s / 60) / 60), Math.round(s / 60) % 60, 0]);
      }),
    );
    expect([0, 20, 60, 90, 3599, 3600, 3660].map(durationWords)).toEqual(["0 s", "20 s", "1 min", "1 min 30 s", "59 min 59 s", "1 h", "1 h 1 min"]);
    expect(durationWords(39_330)).toBe("10 h 56 min");
  });
});

/** The seconds durationWords' words say ("1 h 2 min" → 3720). */
const saidSeconds = (words: string): number => {
  const m = /^(?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?$/.exec(words)!;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

describe("a queue-wait alert's message", () => {
  const wait = (over: Partial<AlertRule> = {}): AlertRule => rule({ kind: "queue-wait", zone: "till", ...over });

  it("says a sub-minute threshold and the wait in the Alerts view's words, not '(above 0 min)'", () => {
    const f = { zoneNames: { till: "Checkout" } };
    expect(alertMessage(wait({ threshold: 20 }), 45, f)).toBe("Checkout: wait 45 s (above 20 s); open another till");
    expect(alertMessage(wait({ threshold: 90 }), 200, f)).toBe("Checkout: wait 3 min 20 s (above 1 min 30 s); open another till");
    expect(alertMessage(wait({ threshold: 300 }), 420, f)).toBe("Checkout: wait 7 min (above 5 min); open another till");
    expect(alertMessage(wait({ threshold: 5400 }), 6000, f)).toBe("Checkout: wait 1 h 40 min (above 1 h 30 min); open another till");
    // Rounding never makes the wait read as the threshold: 30.4 s over 30 s.
    expect(alertMessage(wait({ threshold: 30 }), 30.4, f)).toBe("Checkout: wait 31 s (above 30 s); open another till");
  });

  it("a wait above its threshold reads above the threshold's words, within one step of the wait (fast-check)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5 * 86_400, noNaN: true }), fc.double({ min: 0, max: 86_400, noNaN: true }), (threshold, over) => {
        const value = threshold + over;
        const words = durationAbove(value, threshold);
        const said = saidSeconds(words);
        const step = said > 3600 ? 60 : 1;
        if (value > threshold) expect(said).toBeGreaterThan(saidSeconds(durationWords(threshold)));
        else expect(words).toBe(durationWords(value));
        expect(Math.abs(said - value)).toBeLessThanOrEqual(step);
      }),
    );
  });
});
