import { beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent, LayoutInput } from "@footfall/core";
import { EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { queueTracking, type LiveQueues } from "../analytics/queues.js";
import type { AgentRow } from "../storage/types.js";

/** Friday 20 Nov 2026, 16:00 in Paris. */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;
const M = 60 * S;

function queueLayout(): LayoutInput {
  const base = smallLayout();
  return { ...base, floor: { width: 20, height: 14 }, zones: [...base.zones, { ...rectZone("line", "queue", 10, 10, 10, 4, 8), queueFor: "checkout" }] };
}

/** An hour of people queueing 60-100 s and paying, then two in the line now (joined 150 and 100 s ago). */
function stream(f: EventFactory): FootfallEvent[] {
  const out: FootfallEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const at = NOW - 70 * M + i * 90 * S;
    const wait = (60 + ((i * 13) % 40)) * S;
    out.push(...f.visit(`v${i}`, "line", at, wait), ...f.visit(`v${i}`, "checkout", at + wait + 2 * S, 60 * S));
  }
  for (const [v, ago] of [["w1", 150 * S], ["w2", 100 * S]] as const) out.push(f.enter(v, "line", NOW - ago));
  return out;
}

let clock = NOW;
const t = useTestServer({ now: () => clock });
let staff: string;
beforeAll(async () => {
  await t.putLayout("shop", queueLayout());
  await t.server.services.storage.agents.add("shop", "cam-1", "camera", NOW - 2 * 60 * M);
  await t.server.services.storage.agents.recordStatus("shop", "cam-1", { state: "online", ts: NOW - 2 * 60 * M, kind: "camera", version: "0.1.0" }, NOW - 2 * 60 * M);
  await t.ingest("shop", "cam-1", stream(new EventFactory("cam-1")));
  staff = await t.token("staff", "shop");
});

const live = async () => {
  const res = await t.get<LiveQueues>("/api/v1/stores/shop/queues/live", staff);
  expect(res.status).toBe(200);
  return res.body.queues[0]!;
};

describe("live queue figures of a line nothing counts any more", () => {
  it("are the figures now, with offlineSince null, while the camera that counts the line is online", async () => {
    const q = await live();
    expect(q).toMatchObject({ length: 2, lost: 0, offlineSince: null, offlineAgents: [] });
  });

  it("say since when the line's only camera is offline, and give the figures of that moment, not its people turned into 'lost'", async () => {
    // The camera's last will arrives (received live: stamped with its arrival); four minutes later the
    // two it last saw would be 'lost by the tracking' (in line far longer than anyone waits) and the line empty.
    await t.server.services.storage.agents.recordStatus("shop", "cam-1", { state: "offline", ts: NOW + 5 * S, kind: "camera", version: "0.1.0" });
    clock = NOW + 4 * M;
    const q = await live();
    expect(q.offlineSince).toBe(NOW + 5 * S);
    expect(q.offlineAgents).toEqual(["cam-1"]);
    // At that moment two were waiting (w1, w2), none of them lost, with an estimate from the waits before.
    expect(q).toMatchObject({ length: 2, lost: 0, method: "recent-waits" });
    expect(q.estimatedWaitS).toBeGreaterThan(0);
  });
});

describe("queueTracking", () => {
  const row = (agent: string, over: Partial<AgentRow>): AgentRow =>
    ({ store: "shop", agent, kind: "camera", username: `shop.${agent}`, state: "online", version: "1", statusTs: NOW - M, lastEventTs: NOW - M, lastReceivedAt: NOW - M, events: 1, duplicates: 0, rejects: 0, revokedAt: null, ...over }) as AgentRow;
  const named = (agent: string, at = NOW - M) => ({ agent, lastEventTs: at, lastReceivedAt: at });

  it("is null while one of the agents that named the zone is up, or when none ever named it", () => {
    expect(queueTracking([row("a", { state: "offline" }), row("b", {})], [named("a"), named("b")], NOW)).toBeNull();
    expect(queueTracking([row("a", { state: "offline" })], [], NOW)).toBeNull();
  });

  it("is the time the last of them went down: offline, silent (online, unheard for 3 status intervals) or revoked", () => {
    const agents = [row("off", { state: "offline", statusTs: NOW - 10 * M, lastReceivedAt: NOW - 11 * M }), row("silent", { lastReceivedAt: NOW - 5 * M, statusTs: NOW - 5 * M }), row("gone", { revokedAt: NOW - 20 * M })];
    expect(queueTracking(agents, [named("off", NOW - 11 * M), named("silent", NOW - 5 * M), named("gone", NOW - 30 * M)], NOW)).toEqual({ since: NOW - 5 * M, agents: ["off", "silent", "gone"] });
  });

  it("does not call down an agent that never sent a status (nothing says so), nor one heard within its status intervals", () => {
    expect(queueTracking([row("quiet", { state: "never-seen", statusTs: null, lastReceivedAt: NOW - 60 * M })], [named("quiet", NOW - 60 * M)], NOW)).toBeNull();
    expect(queueTracking([row("ok", { lastReceivedAt: NOW - 60 * S })], [named("ok", NOW - 60 * S)], NOW)).toBeNull();
  });
});
