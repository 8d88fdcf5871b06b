import { describe, expect, it } from "vitest";
import { createLogger } from "./log.js";

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
