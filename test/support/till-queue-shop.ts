import type { LayoutInput, ZoneId } from "@footfall/core";
import { EventFactory, smallLayout } from "./fixtures.js";
import type { TestServer } from "./in-process.js";

const S = 1000;
const M = 60 * S;

/** The small layout with a till queue, zone `line` ("Till queue", capacity 10), for `checkout`, along the tills. */
export function withTillQueue(): LayoutInput {
  const base = smallLayout();
  const line = { id: "line" as ZoneId, name: "Till queue", kind: "queue" as const, queueFor: "checkout", capacity: 10, polygon: [[10, 8], [19, 8], [19, 9.5], [10, 9.5]] as [number, number][] };
  return { ...base, zones: [...base.zones, line] };
}

/**
 * Store `shop` at `t0` on that layout: cam-1 follows fruit (one shopper there since 20 s before),
 * cam-q only the till queue, where five people joined in the 30 s before; both agents online since
 * an hour before.
 */
export async function fiveWaitingAtTheTills(t: TestServer, t0: number): Promise<void> {
  await t.putLayout("shop", withTillQueue());
  const agents = t.server.services.storage.agents;
  for (const agent of ["cam-1", "cam-q"]) {
    await agents.add("shop", agent, "camera", t0 - 60 * M);
    await agents.recordStatus("shop", agent, { state: "online", ts: t0 - 60 * M, kind: "camera", version: "0.1.0" }, t0 - 60 * M);
  }
  const q = new EventFactory("cam-q");
  await t.ingest("shop", "cam-q", [0, 1, 2, 3, 4].map((i) => q.enter(`v${i}`, "line", t0 - 30 * S + i * S)));
  await t.ingest("shop", "cam-1", [new EventFactory("cam-1").enter("f1", "fruit", t0 - 20 * S)]);
}
