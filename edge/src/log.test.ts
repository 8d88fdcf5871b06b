import { describe, expect, it } from "vitest";
import { createLogger, levelFilter, LOG_LEVELS, type LogLevel } from "./log.js";

describe("the edge's logger", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", scope: "agent", now: () => Date.parse("2026-01-01T10:00:00Z"), write: (l) => lines.push(l) });

  it("takes pino's order, fields then message, like the server's logger", () => {
    log.warn({ store: "shop-1", reason: "a b" }, "connection lost");
    log.info("connected");
    log.debug("not shown at info");
    expect(lines).toEqual([
      '2026-01-01T10:00:00.000Z WARN  [agent] connection lost store=shop-1 reason="a b"',
      "2026-01-01T10:00:00.000Z INFO  [agent] connected",
    ]);
  });
});

describe("the edge's log levels", () => {
  const linesAt = (level: LogLevel): string[] => {
    const lines: string[] = [];
    const log = createLogger({ level, write: (l) => lines.push(l.split(" ")[1]!) });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    return lines;
  };

  it("are the server's, so one FOOTFALL_LOG_LEVEL starts both: trace shows debug, fatal the errors, silent nothing", () => {
    expect(LOG_LEVELS).toEqual(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);
    expect(linesAt("trace")).toEqual(["DEBUG", "INFO", "WARN", "ERROR"]);
    expect(linesAt("debug")).toEqual(["DEBUG", "INFO", "WARN", "ERROR"]);
    expect(linesAt("info")).toEqual(["INFO", "WARN", "ERROR"]);
    expect(linesAt("warn")).toEqual(["WARN", "ERROR"]);
    expect(linesAt("error")).toEqual(["ERROR"]);
    expect(linesAt("fatal")).toEqual(["ERROR"]);
    expect(linesAt("silent")).toEqual([]);
  });
});

describe("levelFilter", () => {
  it("passes on a shared logger only the lines at the agent's level and above, in its children too", () => {
    const lines: string[] = [];
    const shared = createLogger({ level: "debug", write: (l) => lines.push(l.split(" ").slice(1).join(" ")) });
    const quiet = levelFilter(shared, "warn").child("shop-1");
    quiet.info("not shown");
    quiet.warn("shown");
    levelFilter(shared, "fatal").warn("not shown either");
    levelFilter(shared, "trace").debug("traced");
    expect(lines).toEqual(["WARN  [shop-1] shown", "DEBUG traced"]);
  });
});
