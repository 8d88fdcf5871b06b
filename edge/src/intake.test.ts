import { describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { EventIds } from "./ids.js";
import { EventIntake } from "./intake.js";
import { createLogger } from "./log.js";
import type { EventDraft } from "./source.js";

const NOW = 1_700_000_000_000;
function setup() {
  const out: FootfallEvent[] = [];
  const lines: string[] = [];
  const intake = new EventIntake(new EventIds("door-1", () => NOW), (e) => out.push(e), createLogger({ write: (l) => lines.push(l) }), () => NOW);
  return { out, lines, intake };
}

describe("EventIntake", () => {
  it("assigns ids and passes valid events on", () => {
    const { out, intake } = setup();
    intake.accept({ type: "count", ts: NOW, zone: "entrance", in: 2, out: 1 });
    expect(out).toHaveLength(1);
    expect(out[0]?.id).toMatch(/^door-1:[0-9a-z]{8}:000000000$/);
  });

  it("counts and logs an invalid event from a buggy source, and never passes it on", () => {
    const { out, lines, intake } = setup();
    const bad = { type: "enter", ts: -5, zone: "Not An Id", visitor: "v" } as EventDraft;
    expect(intake.accept(bad)).toBeNull();
    expect(out).toHaveLength(0);
    expect(intake.stats().rejected).toBe(1);
    expect(lines.join("\n")).toMatch(/invalid event.*\/ts|\/zone/);
  });

  it("rejects a ts more than 5 minutes ahead, as the server would", () => {
    const { out, intake } = setup();
    intake.accept({ type: "count", ts: NOW + 5 * 60_000 + 1, zone: "entrance", in: 1, out: 0 });
    expect(out).toHaveLength(0);
    expect(intake.stats().rejected).toBe(1);
  });

  it("remembers the latest accepted ts", () => {
    const { intake } = setup();
    intake.accept({ type: "count", ts: NOW - 10, zone: "entrance", in: 1, out: 0 });
    intake.accept({ type: "count", ts: NOW - 20, zone: "entrance", in: 1, out: 0 });
    expect(intake.stats().lastEventTs).toBe(NOW - 10);
  });
});
