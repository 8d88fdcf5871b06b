/**
 * Accuracy audits in the Agents view (issue 18), in Debian's chromium against a real `footfall
 * serve`: each agent's badge (accuracy, date, "audit due"), and a door counter's audit taken from
 * the view: a person's count for a window against the counter's count events, as published over
 * MQTT by the door agent.
 */
import { describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics } from "@footfall/core";
import { addAgent, batchJson, connectMqtt, publishAll } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { shot } from "./helpers/browser.js";

let door: MqttClient;
// A quarter of an hour, 40 to 25 minutes ago, on whole minutes (the form takes minutes).
const to = Math.floor((Date.now() - 25 * 60_000) / 60_000) * 60_000;
const from = to - 15 * 60_000;
/** The form's datetime-local value of `ts` in the shop's zone (Europe/Paris). */
const local = (ts: number) => new Date(ts).toLocaleString("sv-SE", { timeZone: "Europe/Paris" }).replace(" ", "T").slice(0, 16);

const t = withShop({
  setup: async (t) => {
    const creds = await addAgent(t.server.dataDir, t.shop.store, "door-1", "door");
    // A camera agent (the shop's own cam-1 is simulated).
    await addAgent(t.server.dataDir, t.shop.store, "cam-2", "camera");
    door = await connectMqtt({ url: t.server.mqttUrl, username: creds.username, password: creds.password });
    // The counter: 30 in and 27 out inside the window, and counts just outside it that must not count.
    const count = (n: number, ts: number, i: number, o: number) => ({ type: "count", id: `door-1:${n}`, ts, zone: "entrance", in: i, out: o });
    await publishAll(door, topics.events(t.shop.store, "door-1"), [
      batchJson("door-1", [count(1, from - 1, 50, 50), count(2, from, 10, 9), count(3, from + 300_000, 12, 10), count(4, to - 1, 8, 8), count(5, to, 40, 40)]),
    ]);
    await t.shop.publish([t.shop.events.enter("v-audit", "promo", from + 60_000)]);
  },
  teardown: async () => {
    await door?.endAsync(true);
  },
});

describe("accuracy audits in the Agents view", () => {
  it("shows every agent as due before an audit (a simulated one has nothing to audit), then a door counter's audit from the view with its accuracy and date", async () => {
    await expect.poll(async () => (await t.shop.api.agents(t.shop.store)).agents.find((a) => a.agent === "door-1")?.events ?? 0).toBe(5);
    const page = await t.browser.page();
    await page.goto(`${t.server.httpUrl}/#/agents/shop?token=${t.shop.tokens.admin}`);
    await page.getByTestId("agents-table").waitFor();
    await page.getByTestId("audit-due-door-1").waitFor();
    expect(await page.getByTestId("audit-cam-2").textContent()).toContain("not audited");
    expect(await page.getByTestId("audit-due-cam-2").textContent()).toBe("audit due");
    expect(await page.getByTestId("audit-cam-1").textContent()).toBe("simulated");
    expect(await page.getByTestId("audit-due-cam-1").count()).toBe(0);

    const form = page.getByTestId("door-audit");
    await form.getByTestId("door-audit-agent").selectOption("door-1");
    await form.getByTestId("door-audit-from").fill(local(from));
    await form.getByTestId("door-audit-to").fill(local(to));
    // The person counted 31 in (the counter 30: 96.8 %) and 27 out (the counter 27).
    await form.getByTestId("door-audit-in").fill("31");
    await form.getByTestId("door-audit-out").fill("27");
    await form.getByTestId("door-audit-auditor").fill("Marie at the door");
    await form.getByTestId("door-audit-submit").click();
    const result = form.getByTestId("door-audit-result");
    await result.waitFor();
    expect(await result.textContent()).toBe("door-1 counted 30 in and 27 out; you counted 31 in and 27 out: 96.7 % — data certified.");

    // The table's badge follows: accuracy, "data certified", the date, and no longer due.
    const cell = page.getByTestId("audit-door-1");
    await expect.poll(() => cell.getAttribute("data-tone")).toBe("certified");
    expect(await cell.textContent()).toContain("96.7 %");
    expect(await cell.textContent()).toContain("data certified");
    expect(await page.getByTestId("audit-due-door-1").count()).toBe(0);
    // Submitted now: today's date in the store's zone.
    expect(await page.getByTestId("audit-date-door-1").textContent()).toBe(
      new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(Date.now()),
    );
    expect(await cell.getAttribute("title")).toBe("In 96.7 %, out 100 % over 58 crossings counted at the door by Marie at the door");

    // The API holds the same audit.
    const api = (
      await t.shop.api.request<{ audits: { agent: string; hand: object; system: object; certified: boolean }[] }>("GET", "/api/v1/stores/shop/audits")
    ).body;
    expect(api.audits).toEqual([expect.objectContaining({ agent: "door-1", hand: { in: 31, out: 27 }, system: { in: 30, out: 27 }, certified: true })]);
    await shot(page, "agents-audits", { fullPage: true });
    await page.close();
  });

  it("counts live at the door: the window runs from Start to Stop, the I key and the buttons count", async () => {
    const page = await t.browser.page();
    await page.goto(`${t.server.httpUrl}/#/agents/shop?token=${t.shop.tokens.admin}`);
    await page.getByTestId("agents-table").waitFor();
    const form = page.getByTestId("door-audit");
    await form.getByTestId("door-audit-agent").selectOption("door-1");
    await form.getByTestId("door-audit-auditor").fill("Paul at the door");
    await form.getByTestId("door-audit-live-start").click();
    // While the person counts, the counter reports 3 in and 2 out (inside the window).
    const before = (await t.shop.api.agents(t.shop.store)).agents.find((a) => a.agent === "door-1")?.events ?? 0;
    await publishAll(door, topics.events(t.shop.store, "door-1"), [
      batchJson("door-1", [{ type: "count", id: "door-1:live-1", ts: Date.now(), zone: "entrance", in: 3, out: 2 }]),
    ]);
    await expect.poll(async () => (await t.shop.api.agents(t.shop.store)).agents.find((a) => a.agent === "door-1")?.events ?? 0).toBe(before + 1);
    const countIn = form.getByTestId("door-audit-live-in");
    await countIn.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press("i");
    await form.getByTestId("door-audit-live-out").click();
    await form.getByTestId("door-audit-live-out").click();
    expect(await countIn.textContent()).toBe("In: 3");
    await form.getByTestId("door-audit-live-stop").click();
    const result = form.getByTestId("door-audit-result");
    await result.waitFor();
    expect(await result.textContent()).toBe("door-1 counted 3 in and 2 out; you counted 3 in and 2 out: 100 % — data certified.");
    await page.close();
  });
});
