import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AgentStatus } from "@footfall/core";
import { statusToStore } from "./agent-status.js";

const status = (state: "online" | "offline", ts: number): AgentStatus => ({ state, ts, kind: "camera", version: "1.0.0" });
const time = fc.integer({ min: 0, max: 2_000_000_000_000 });
const state = fc.constantFrom("online" as const, "offline" as const);
const stored = fc.option(fc.record({ state: fc.constantFrom("online", "offline"), statusTs: fc.option(time) }));

describe("statusToStore: the time an agent's status is stored with", () => {
  it("an offline status received live is stored at its receipt (a will is stamped at the connection, days before)", () => {
    expect(statusToStore(status("offline", 1_000), true, 9_000, { state: "online", statusTs: 8_000 })).toEqual(status("offline", 9_000));
  });
  it("a replayed offline copy no newer than the stored offline is not stored again; a newer or different one is", () => {
    expect(statusToStore(status("offline", 1_000), false, 9_000, { state: "offline", statusTs: 9_000 })).toBeNull();
    expect(statusToStore(status("offline", 9_500), false, 9_900, { state: "offline", statusTs: 9_000 })).toEqual(status("offline", 9_500));
    expect(statusToStore(status("offline", 1_000), false, 9_900, { state: "online", statusTs: 9_000 })).toEqual(status("offline", 1_000));
    expect(statusToStore(status("offline", 1_000), false, 9_900, null)).toEqual(status("offline", 1_000));
  });
  it("never moves an offline agent's stored time back, and leaves online statuses as they came (property)", () => {
    fc.assert(
      fc.property(state, time, fc.boolean(), time, stored, (st, ts, live, receivedAt, known) => {
        const out = statusToStore(status(st, ts), live, receivedAt, known);
        // Offline: the same status but for its time; live: the receipt's time.
        if (st === "online") expect(out).toEqual(status(st, ts));
        else if (live) expect(out).toEqual(status(st, receivedAt));
        else if (known?.state === "offline" && known.statusTs !== null && known.statusTs >= ts) expect(out).toBeNull();
        else expect(out).toEqual(status(st, ts));
      }),
    );
  });
});
