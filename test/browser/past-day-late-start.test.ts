/**
 * A past day opened from a digest's links, in chromium against the built server, says when its figures start as the
 * digest does. "late" had its first counter started at 18:00 yesterday (open 08:00-21:30): its digest says "This day is
 * partial: this store's figures begin Sun 6 Dec 18:00"; the Report it links to says so, and the chain view it links to
 * said nothing (15 enters, "new" only in a title), so a manager read a low day as a bad day: now "Figures begin Sun 6
 * Dec, 18:00 CET" under its enters. "shop", counted from its opening time the day before (a whole first day: no note),
 * had its entrance camera off from the evening before until 18:00 yesterday: the digest's "not counted 10 h, 08:00–18:00"
 * and both pages it links to name the same hours.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { localMidnight } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { putDailyHours, seedStore } from "./helpers/store.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = "Europe/Paris";
const yesterday = localMidnight(Date.now(), TZ, -1);
const dayBefore = localMidnight(Date.now(), TZ, -2);
const dateOf = (ts: number) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(ts);

const t = withShop({
  server: { httpPort: 20320, mqttPort: 20321, metricsPort: 20322, maxEventAgeMs: 5 * DAY },
  timeoutMs: 120_000,
  setup: async (t) => {
    const { shop } = t;
    const late = await seedStore(t.server, "late");
    await putDailyHours(shop, "08:00", "21:30");
    await putDailyHours(late, "08:00", "21:30");
    // shop: 5 in at each open hour from 08:05 the day before yesterday, and from 18:05 yesterday (its camera off before).
    const counts = [];
    for (let h = 8; h < 21; h++) counts.push(shop.events.count("entrance", dayBefore + h * HOUR + 5 * 60_000, 5, 5));
    for (let h = 18; h < 21; h++) counts.push(shop.events.count("entrance", yesterday + h * HOUR + 5 * 60_000, 5, 5));
    await shop.publish(counts);
    // late: its first counts at 18:05 yesterday.
    const lateCounts = [];
    for (let h = 18; h < 21; h++) lateCounts.push(late.events.count("entrance", yesterday + h * HOUR + 5 * 60_000, 5, 5));
    await late.publish(lateCounts);
    await waitFor("the door counts to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === counts.length && (await shop.api.agents("late")).agents[0]?.events === lateCounts.length, {
      timeoutMs: 30_000,
    });
    await late.close();
    // shop's camera went off at 21:40 the day before yesterday (its will) and said online at 18:00 yesterday: the span a
    // server running then would have recorded, written while this one is stopped.
    await t.server.stop();
    const db = new Database(join(t.server.dataDir, "footfall.db"));
    try {
      db.prepare("INSERT INTO agent_offline_spans (store, agent, from_ts, to_ts) VALUES (?, ?, ?, ?)").run(shop.store, "cam-1", dayBefore + 21 * HOUR + 40 * 60_000, yesterday + 18 * HOUR);
    } finally {
      db.close();
    }
    await t.server.restart();
  },
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read field by field below
const api = async (method: string, path: string, body?: unknown): Promise<any> =>
  (
    await fetch(`${t.server.httpUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${t.shop.tokens.admin}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
  ).json();

/** A daily digest of `store` for the day starting at `day`: its text. */
const digestText = async (store: string, day: number): Promise<string> => {
  const digest = await api("POST", "/digests", { scope: "store", target: store, frequency: "daily", recipients: ["area@shop.example"], hour: 7 });
  return (await api("GET", `/digests/${digest.id}/preview?period=${dateOf(day)}`)).text as string;
};
/** The page a digest's line `label: <url>` links to, opened as a viewer. */
const openLink = (text: string, label: string): Promise<Page> => {
  const link = new RegExp(`^${label}: (\\S+)$`, "m").exec(text)![1]!;
  return t.open(link.slice(link.indexOf("#") + 1), t.shop.tokens.viewer);
};
/** A store's enters cell in the chain view, once drawn. */
const entersOf = async (page: Page, store: string) => {
  const cell = page.locator(`tr[data-store="${store}"] td[data-figure="enters"]`);
  await cell.waitFor({ timeout: 20_000 });
  await expect.poll(async () => (await cell.locator(".v").textContent())?.trim(), { timeout: 15_000 }).toBe("15");
  return cell;
};

describe("a past day opened from a digest", () => {
  it("whose store's figures begin at 18:00 says so in the chain view and the Report, at the digest's hour", async () => {
    const text = await digestText("late", yesterday);
    const said = /^This day is partial: this store's figures begin (\w{3} \d{1,2} \w{3}) (\d\d:\d\d), so it is not compared with the day before\.$/m.exec(text);
    expect(said, text).not.toBeNull();
    const [, day, time] = said!;
    expect(time).toBe("18:00");

    const chain = await openLink(text, "Chain view");
    const cell = await entersOf(chain, "late");
    // Old UI: nothing under the 15 (the row's "— new" said it only in a title).
    const note = cell.getByTestId("begins-note");
    await note.waitFor({ timeout: 15_000 });
    expect(await note.textContent()).toMatch(new RegExp(`^Figures begin ${day}, ${time} CES?T$`));
    expect(await note.getAttribute("title")).toMatch(new RegExp(`^This store's figures begin ${day}, ${time} CES?T: the range before that has no data`));
    await chain.close();

    const report = await openLink(text, "Report");
    const partial = report.getByTestId("report-partial");
    await partial.waitFor({ timeout: 20_000 });
    expect(await partial.textContent()).toMatch(new RegExp(`^This store's figures begin ${day}, ${time} CES?T: the range before that has no data\\.$`));
    await report.close();
  });

  it("of a store whose first day was counted from its opening time says nothing of it (a whole day, as the digest counts it)", async () => {
    const text = await digestText(t.shop.store, dayBefore);
    expect(text).not.toMatch(/partial|figures begin/);
    const chain = await openLink(text, "Chain view");
    const cell = chain.locator(`tr[data-store="${t.shop.store}"] td[data-figure="enters"]`);
    await cell.waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await cell.locator(".v").textContent())?.trim(), { timeout: 15_000 }).toBe("65");
    expect(await cell.getByTestId("begins-note").count()).toBe(0);
    await chain.close();
  });

  it("whose entrance was not counted until 18:00 names the same hours in the digest and on both pages it links to", async () => {
    const text = await digestText(t.shop.store, yesterday);
    const said = /^Not counted: This store's entrance was counted by no agent \(offline\) for some open hours of this day \((\d+) h, (\w{3} \d{1,2} \w{3}) (\d\d:\d\d)–(\d\d:\d\d)\)/m.exec(text);
    expect(said, text).not.toBeNull();
    const [, hours, day, from, to] = said!;
    expect([hours, from, to]).toEqual(["10", "08:00", "18:00"]);
    const words = new RegExp(`^Not counted ${hours} h \\(${day}, ${from}–${to} CES?T\\)`);

    const chain = await openLink(text, "Chain view");
    const cell = await entersOf(chain, t.shop.store);
    expect(await cell.getByTestId("outage-note").textContent()).toMatch(words);
    // Counted from the day before: its figures do not begin that day.
    expect(await cell.getByTestId("begins-note").count()).toBe(0);
    await chain.close();

    const report = await openLink(text, "Report");
    const outage = report.getByTestId("report-outage");
    await outage.waitFor({ timeout: 20_000 });
    expect(await outage.textContent()).toMatch(words);
    expect(await report.getByTestId("report-partial").count()).toBe(0);
    await report.close();
  });
});
