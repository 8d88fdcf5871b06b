import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BROKER_WORDS, BrokerLinkLog, GatheredLog, type LogLevel } from "./link-log.js";

const WORDS = { error: "E", reconnecting: "R", again: "A" };
type Line = { level: LogLevel; fields: Record<string, unknown>; msg: string };
type Ev = { k: "lost" } | { k: "error"; msg: string } | { k: "reconnecting" } | { k: "connected" } | { k: "wait"; ms: number };
const event: fc.Arbitrary<Ev> = fc.oneof(
  fc.constant<Ev>({ k: "lost" }),
  fc.constantFrom("ECONNREFUSED", "not authorized").map((msg): Ev => ({ k: "error", msg })),
  fc.constant<Ev>({ k: "reconnecting" }),
  fc.constant<Ev>({ k: "connected" }),
  fc.integer({ min: 1, max: 5_000 }).map((ms): Ev => ({ k: "wait", ms })),
);

describe("BrokerLinkLog: a broker away says so once, not once a second", () => {
  it("says the first failure, each new answer, one reconnecting and the way back; repeats at debug (property, against a spell-it-out reference)", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (evs) => {
        let now = 0;
        const lines: Line[] = [];
        const link = new BrokerLinkLog((level, fields, msg) => lines.push({ level, fields, msg }), WORDS, () => now);
        // The reference: what a person reading the log should see, span by span (a span ends at a connection).
        const expected: { level: LogLevel; msg: string; awayS?: number }[] = [];
        let up = false, downAt: number | null = null, prevErr: string | null = null, saidR = false;
        for (const e of evs) {
          if (e.k === "wait") now += e.ms;
          else if (e.k === "lost") {
            link.lost();
            if (up) {
              up = false;
              downAt = now;
            }
          } else if (e.k === "error") {
            link.error(new Error(e.msg));
            expected.push({ level: e.msg === prevErr ? "debug" : "error", msg: "E" });
            prevErr = e.msg;
          } else if (e.k === "reconnecting") {
            link.reconnecting();
            expected.push({ level: saidR ? "debug" : "warn", msg: "R" });
            saidR = true;
          } else {
            const back = link.connected();
            expect(back).toBe(downAt !== null);
            if (downAt !== null) expected.push({ level: "info", msg: "A", awayS: Math.round((now - downAt) / 1000) });
            up = true;
            downAt = null;
            prevErr = null;
            saidR = false;
          }
        }
        expect(lines.map((l) => ({ level: l.level, msg: l.msg, ...(l.msg === "A" ? { awayS: l.fields.awayS } : {}) }))).toEqual(expected);
      }),
    );
  });

  it("a broker away for 5 minutes: four lines, not 600", () => {
    let now = 0;
    const lines: Line[] = [];
    const link = new BrokerLinkLog((level, fields, msg) => lines.push({ level, fields, msg }), WORDS, () => now);
    link.connected();
    link.lost();
    for (let s = 0; s < 300; s++) {
      now += 1000;
      link.reconnecting();
      link.error(new Error(s < 290 ? "connect ECONNREFUSED 127.0.0.1:1883" : "Connection refused: Not authorized"));
    }
    link.connected();
    expect(lines.filter((l) => l.level !== "debug")).toEqual([
      { level: "warn", fields: {}, msg: "R" },
      { level: "error", fields: { err: "connect ECONNREFUSED 127.0.0.1:1883" }, msg: "E" },
      { level: "error", fields: { err: "Connection refused: Not authorized" }, msg: "E" },
      { level: "info", fields: { awayS: 300, failedAttempts: 300 }, msg: "A" },
    ]);
  });
});

describe("GatheredLog: many sources saying the same thing at once make one line", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const capture = () => {
    const out: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
    const at = (level: string) => (fields: Record<string, unknown>, msg: string) => out.push({ level, fields, msg });
    return { out, log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
  };

  it("gathers one line per level, message and error within the window, naming the sources in order", () => {
    const { out, log } = capture();
    const g = new GatheredLog(log, "shards", 1000);
    for (const shard of [5, 1, 3, 2]) g.sayFor(shard)("warn", {}, "reconnecting");
    g.sayFor(4)("error", { err: "ECONNREFUSED" }, "MQTT error");
    g.sayFor(6)("error", { err: "ECONNREFUSED" }, "MQTT error");
    g.sayFor(7)("error", { err: "not authorized" }, "MQTT error");
    g.sayFor(8)("debug", {}, "reconnecting");
    expect(out).toEqual([{ level: "debug", fields: { shards: [8] }, msg: "reconnecting" }]);
    vi.advanceTimersByTime(999);
    expect(out).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(out.slice(1)).toEqual([
      { level: "warn", fields: { shards: [1, 2, 3, 5] }, msg: "reconnecting" },
      { level: "error", fields: { shards: [4, 6], err: "ECONNREFUSED" }, msg: "MQTT error" },
      { level: "error", fields: { shards: [7], err: "not authorized" }, msg: "MQTT error" },
    ]);
    // A later window starts afresh; flush says what is gathered at once.
    g.sayFor(9)("info", { awayS: 3 }, "back");
    g.flush();
    expect(out.at(-1)).toEqual({ level: "info", fields: { shards: [9], awayS: 3 }, msg: "back" });
    vi.advanceTimersByTime(5000);
    expect(out).toHaveLength(5);
  });
});

describe("BrokerLinkLog: a broker that restarts is not a wrong URL", () => {
  const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1883"), { code: "ECONNREFUSED" });
  it("says the broker does not answer when a link that was up is refused, and to check the URL and credentials when it never was", () => {
    const lines: Line[] = [];
    const link = new BrokerLinkLog((level, fields, msg) => lines.push({ level, fields, msg }), BROKER_WORDS);
    // Never connected: the URL or the broker's address may be wrong.
    link.error(refused());
    expect(lines.at(-1)).toMatchObject({ level: "error", msg: BROKER_WORDS.error });
    link.connected();
    // Up, then the broker restarts: its address worked a moment ago.
    link.lost();
    link.error(refused());
    expect(lines.at(-1)).toMatchObject({ level: "error", fields: { err: "connect ECONNREFUSED 127.0.0.1:1883" } });
    expect(lines.at(-1)!.msg).toMatch(/^the MQTT broker does not answer \(restarting or stopped\?\): the server tries again every second and says once when it is back; if it lasts, check the broker \(systemctl status mosquitto, its log\)$/);
    // A refused password once it is back is the credentials' again.
    link.error(new Error("Connection refused: Not authorized"));
    expect(lines.at(-1)).toMatchObject({ level: "error", msg: BROKER_WORDS.error });
  });
});
