import { beforeAll, describe, expect, it } from "vitest";
import { topics, type FootfallEvent } from "@footfall/core";
import type { MqttClient } from "mqtt";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { waitFor } from "../../../test/support/wait.js";

/**
 * An outage that has ended is no store nobody came to either. Four weeks of the same days (60
 * visitors, 9:00-19:00), then the door counter's link died at Monday's midnight (its last will on the
 * server's own broker) and it came back online on Tuesday at midnight; Tuesday is counted as usual.
 * The server keeps the offline span, so on Wednesday Monday is left out of the forecast's history and
 * next Monday is forecast as the Mondays before, not dragged down by a 0. A store whose counter was
 * online on a Monday with nobody keeps its 0; one whose counter delivered Monday's counts after its
 * outage (store-and-forward) was counting up to its last delivered hour.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Monday 2 November 2026, 00:00 in Paris (UTC+1). */
const FROM = Date.parse("2026-11-01T23:00:00Z");
/** Monday 30 November, 00:00 in Paris: the door counter's link dies. */
const OUTAGE = FROM + 28 * DAY;
/** Tuesday 1 December, 00:00 in Paris: back online. */
const BACK = OUTAGE + DAY;
/** Wednesday 2 December, 00:20 in Paris. */
const NOW = BACK + DAY + 20 * 60_000;
const OPEN_DAY = 60;

let clock = FROM;
const t = useTestServer({ now: () => clock, maxAgeMs: 60 * DAY, config: { mqttPort: 18871, httpPort: 8171 } });
const agents = () => t.server.services.storage.agents;

type Answer = { method: string; model: { notes: string[] }; buckets: { start: string; expected: number | null; method: string }[] };
const monday7 = (a: Answer) => a.buckets.find((b) => b.start.startsWith("2026-12-07"));
const status = (state: "online" | "offline", ts: number) => JSON.stringify({ state, ts, kind: "door", version: "0.1.0" });

/** Door counts of every open hour of [from, to), but those in `skip`. */
function doorCounts(from: number, to: number, skip: (ts: number) => boolean = () => false): FootfallEvent[] {
  const door = new EventFactory("door-1");
  const out: FootfallEvent[] = [];
  for (let ts = from; ts < to; ts += HOUR) {
    const hour = new Date(ts + HOUR).getUTCHours();
    if (hour >= 9 && hour < 19 && !skip(ts)) out.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
  }
  return out;
}

/** The door counter of `store` online, its link cut at OUTAGE (the broker publishes its will) and back at BACK, through the server's broker. */
async function outage(store: string): Promise<void> {
  const { username, password } = await agents().add(store, "door-1", "door", FROM);
  const url = `mqtt://127.0.0.1:${t.server.mqttPort}`;
  const will = { topic: topics.status(store, "door-1"), payload: Buffer.from(status("offline", FROM)), qos: 1 as const, retain: true };
  let c: MqttClient = await connectMqtt({ url, username, password }, { clientId: `${store}-door-1`, will, reconnectPeriod: 0 });
  await c.publishAsync(topics.status(store, "door-1"), status("online", FROM), { qos: 1, retain: true });
  await waitFor("online", async () => (await agents().list(store)).find((a) => a.agent === "door-1")?.state === "online");
  clock = OUTAGE;
  c.stream.destroy(); // the link dies without a word: the broker sends the will
  await waitFor("the will's offline span", async () => (await t.server.services.storage.offlineSpans.list(store, 0, NOW)).length === 1, { timeoutMs: 20_000 });
  c.end(true);
  clock = BACK;
  c = await connectMqtt({ url, username, password }, { clientId: `${store}-door-1`, will, reconnectPeriod: 0 });
  await c.publishAsync(topics.status(store, "door-1"), status("online", BACK), { qos: 1, retain: true });
  await waitFor("the span closed", async () => (await t.server.services.storage.offlineSpans.list(store, 0, NOW))[0]?.to === BACK, { timeoutMs: 20_000 });
  await c.endAsync();
}

beforeAll(async () => {
  for (const store of ["shop", "twin", "relay"]) await t.putLayout(store, smallLayout({ validFrom: 0 }));
  await agents().add("twin", "door-1", "door", FROM);
  await agents().recordStatus("twin", "door-1", { state: "online", ts: FROM, kind: "door", version: "0.1.0" }, FROM);
  await outage("shop");
  await outage("relay");
  // shop: nothing of Monday (its counter lost it); twin: online, nobody came on Monday; relay: Monday up to 16:00 delivered after its outage
  await t.ingest("shop", "door-1", doorCounts(FROM, NOW, (ts) => ts >= OUTAGE && ts < BACK));
  await t.ingest("twin", "door-1", doorCounts(FROM, NOW, (ts) => ts >= OUTAGE && ts < BACK));
  await t.ingest("relay", "door-1", doorCounts(FROM, NOW, (ts) => ts >= OUTAGE + 16 * HOUR && ts < BACK));
  clock = NOW;
  // every counter online and heard now (its status every 30 s)
  for (const store of ["shop", "twin", "relay"]) await agents().recordStatus(store, "door-1", { state: "online", ts: NOW, kind: "door", version: "0.1.0" }, NOW);
}, 120_000);

describe("the forecast after the door counter's one-day outage has ended", () => {
  it("leaves the outage's hours out of the history: next Monday is the Mondays' 60 visitors, and the notes say so", async () => {
    const res = await t.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d");
    expect(res.status).toBe(200);
    expect([monday7(res.body)?.expected, monday7(res.body)?.method]).toEqual([OPEN_DAY, "seasonal-mean"]);
    expect(res.body.model.notes).toContain(
      "the store's entrance was not counted in 24 h of the history (its agents offline, the last outage from 2026-11-29T23:00:00.000Z to 2026-11-30T23:00:00.000Z): those hours are left out, not read as no visitors",
    );
  });

  it("does so for the door's zone too", async () => {
    const res = await t.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d&zone=entrance");
    expect(monday7(res.body)?.expected).toBe(OPEN_DAY);
    expect(res.body.model.notes.some((n) => n.startsWith('zone "entrance" was not counted in 24 h of the history'))).toBe(true);
  });

  it("keeps a Monday with nobody as a real 0 where the counter was online", async () => {
    const res = await t.get<Answer>("/api/v1/stores/twin/forecast?horizon=14d");
    expect(monday7(res.body)?.expected).toBe((3 * OPEN_DAY) / 4);
    expect(res.body.model.notes.join(" ")).not.toMatch(/not counted/);
  });

  it("takes the hours a counter delivered after its outage as counted: only those after its last delivered count are left out", async () => {
    const res = await t.get<Answer>("/api/v1/stores/relay/forecast?horizon=14d");
    expect(res.body.model.notes.some((n) => n.startsWith("the store's entrance was not counted in 8 h of the history (its agents offline, the last outage from 2026-11-30T15:00:00.000Z to"))).toBe(true);
  });
});
