/**
 * The store story the end-to-end tests publish: believable visits now and two days ago, door
 * counts, and the ways a real deployment mangles a stream (duplicates, disorder, lateness, junk).
 */
import { expect } from "vitest";
import type { FootfallEvent, LayoutInput } from "@footfall/core";
import { FootfallApi, batchJson, chunks, EventFactory, prng, reference, shuffled, smallLayout, visitedZones } from "../support/index.js";

export const STORE = "e2e";
export const CAMERAS = ["cam-a", "cam-b"] as const;
export const DOOR = "door-1";
export const LAYOUT: LayoutInput = smallLayout({ name: "End-to-end store" });
export const TIME_ZONE = LAYOUT.timezone;
export const VISIT_TIMEOUT_MS = 30 * 60_000;
export const KINDS = Object.fromEntries(LAYOUT.zones.map((z) => [z.id, z.kind]));

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Valid events per agent: visits in the last two hours (some still in the store), visits two days ago, door counts. */
export function storeEvents(now: number, seed = 7): Record<string, FootfallEvent[]> {
  const random = prng(seed);
  const between = (a: number, b: number) => Math.round(a + random() * (b - a));
  const out: Record<string, FootfallEvent[]> = { [DOOR]: [] };
  for (const cam of CAMERAS) {
    const f = new EventFactory(cam);
    const events: FootfallEvent[] = [];
    const walk = (visitor: string, start: number, vanish: boolean) => {
      let ts = start;
      const zones = ["entrance", ...shuffled(["fruit", "bakery"], random).slice(0, between(1, 2)), ...(random() < 0.7 ? ["checkout"] : [])];
      zones.forEach((zone, i) => {
        const dwell = zone === "entrance" ? between(3, 20) * S : between(30, 300) * S;
        events.push(f.enter(visitor, zone, ts));
        if (random() < 0.3) events.push(f.position(visitor, between(0, 20), between(0, 10), ts + 1000));
        const last = i === zones.length - 1;
        if (!(vanish && last)) events.push(f.exit(visitor, zone, ts + dwell));
        ts += dwell + between(2, 20) * S;
      });
    };
    for (let i = 0; i < 14; i++) walk(`${cam}-t${i}`, now - between(20 * MIN, 2 * HOUR), random() < 0.15);
    // Shoppers in the store right now: still inside their last zone.
    for (let i = 0; i < 3; i++) walk(`${cam}-n${i}`, now - between(1, 8) * MIN, true);
    // Late: two days ago, far older than the visit timeout, well inside the 7-day window.
    for (let i = 0; i < 6; i++) walk(`${cam}-old${i}`, now - 2 * DAY - between(0, 3 * HOUR), random() < 0.2);
    out[cam] = events;
  }
  const door = new EventFactory(DOOR);
  for (let ts = now - 2 * HOUR; ts < now; ts += 10 * MIN) out[DOOR]!.push(door.count("entrance", ts, between(1, 6), between(0, 4)));
  return out;
}

/** Batch messages of one agent: shuffled events, random sizes, some events repeated in later messages, some messages sent twice. */
export function messagesOf(agent: string, events: readonly FootfallEvent[], seed = 11): string[] {
  const random = prng(seed);
  const batches = chunks(shuffled(events, random), 1 + Math.floor(random() * 12));
  for (const b of batches) if (random() < 0.3) b.push(events[Math.floor(random() * events.length)]!);
  const messages = batches.map((b) => batchJson(agent, b));
  const again = messages.filter(() => random() < 0.15);
  return shuffled([...messages, ...again], random);
}

/** Everything agents send, in order, with the events the server must accept. */
export interface Stream {
  /** Per publishing agent: the lines it publishes on its own events topic. */
  lines: Record<string, string[]>;
  accepted: FootfallEvent[];
}

/** The valid stream of every agent, mangled (duplicates, disorder), plus lines the server must reject, by reason. */
export function chaoticStream(now: number): Stream & { rejects: Record<string, number> } {
  const events = storeEvents(now);
  const lines: Record<string, string[]> = {};
  for (const [agent, list] of Object.entries(events)) {
    // Two days old, and sent after everything newer: late arrivals, far beyond the visit timeout.
    const late = list.filter((e) => e.ts < now - DAY);
    lines[agent] = [
      ...messagesOf(
        agent,
        list.filter((e) => e.ts >= now - DAY),
      ),
      ...(late.length ? messagesOf(agent, late, 13) : []),
    ];
  }
  const junk = new EventFactory("cam-a", "junk");
  const good = new EventFactory("cam-a", "extra");
  const [enter, exit] = good.visit("cam-a-extra-1", "bakery", now - 50 * MIN, 90 * S);
  lines["cam-a"]!.splice(
    3,
    0,
    '{"agent":"cam-a","events":[{"type":"enter"',
    batchJson("cam-a", [enter, junk.enter("cam-a-x", "narnia", now - MIN), exit]),
    batchJson("cam-a", [{ type: "enter", id: junk.nextId(), ts: now - MIN, zone: "fruit" }]),
    batchJson("cam-a", [junk.enter("cam-a-x", "fruit", now - 8 * DAY)]),
    batchJson("cam-a", [junk.enter("cam-a-x", "fruit", now + 10 * MIN)]),
    // The payload says another agent than the topic.
    batchJson("cam-b", [junk.enter("cam-b-forged", "fruit", now - MIN)]),
  );
  return {
    lines,
    accepted: [...Object.values(events).flat(), enter, exit],
    rejects: { malformed: 1, unknown_zone: 1, schema: 1, too_old: 1, future: 1, forged: 1 },
  };
}

/** An event batch over 256 KiB (valid JSON otherwise). */
export function oversizedMessage(agent: string, now: number): string {
  const f = new EventFactory(agent, "big");
  return JSON.stringify({ agent, events: [{ ...f.enter("big", "fruit", now - MIN), note: "x".repeat(300 * 1024) }] });
}

/** The range the figures are checked over: everything the stories hold. */
export function checkedRange(now: number): { from: number; to: number } {
  return { from: Math.floor((now - 3 * DAY) / HOUR) * HOUR, to: now + 10 * MIN };
}

/** The API's dwell, paths, traffic (hour and day) and occupancy equal the domain's over `accepted`. */
export async function expectApiMatchesDomain(api: FootfallApi, accepted: readonly FootfallEvent[], now: number): Promise<void> {
  const range = checkedRange(now);
  expect(visitedZones((await api.dwell(STORE, range)).zones), "dwell").toEqual(reference.dwell(accepted, range, VISIT_TIMEOUT_MS));
  // Paths gained outages (the open hours a zone was counted by no agent), not the domain's: left out of the comparison.
  const { outages: _pathsOutages, ...paths } = (await api.paths(STORE, range, 1000)) as Awaited<ReturnType<FootfallApi["paths"]>> & { outages?: unknown };
  expect(paths, "paths").toEqual(reference.paths(accepted, range, VISIT_TIMEOUT_MS, 1000));
  for (const bucket of ["hour", "day"] as const) {
    expect((await api.traffic(STORE, range, bucket)).buckets, `traffic by ${bucket}`).toEqual(
      reference.traffic(accepted, range, bucket, TIME_ZONE, KINDS, VISIT_TIMEOUT_MS),
    );
  }
  // The answer also says where its total comes from (totalFrom, doorZones) and whether every zone is counted now
  // (partial, each zone's offlineSince and offlineAgents: no agent is offline here) and the layout version it is counted
  // on (the one layout put, as the live push names it): the figures are the domain's.
  type Answer = Awaited<ReturnType<FootfallApi["occupancy"]>> & { totalFrom?: string; doorZones?: string[]; partial?: boolean };
  const { totalFrom: _from, doorZones: _doors, partial, layoutVersion, ...answer } = (await api.occupancy(STORE)) as Answer;
  expect(partial, "occupancy: partial").toBe(false);
  expect(layoutVersion, "occupancy: layoutVersion").toBe(1);
  const occupancy = {
    ...answer,
    zones: answer.zones.map((z) => {
      const { offlineSince, offlineAgents, ...zone } = z as typeof z & { offlineSince?: number | null; offlineAgents?: string[] };
      expect({ offlineSince, offlineAgents }, `occupancy: ${z.zone} counted`).toEqual({ offlineSince: null, offlineAgents: [] });
      return zone;
    }),
  };
  expect(occupancy, "occupancy").toEqual(reference.occupancy(accepted, LAYOUT.zones, occupancy.ts, TIME_ZONE, VISIT_TIMEOUT_MS));
}
