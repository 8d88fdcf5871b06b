/**
 * The admin pages (issue 15) in chromium against the built server: a token created in the UI is
 * shown once (with its role, store and expiry), works at once, is listed after a reload without
 * the secret, and is refused once revoked; the audit log shows both actions; an agent added in
 * the UI shows its login once, is revoked and let in again; a digest is scheduled and says what
 * is missing to send it; the store's name and opening hours are changed (dated exceptions too, which
 * the Alerts view then shows in the same editor); a viewer gets no admin page but a printable
 * report whose print layout has no navigation (and Chromium prints it to a PDF).
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axeViolations } from "./helpers/axe.js";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";
import { shot } from "./helpers/browser.js";

const t = withShop();

const me = (token: string) => fetch(`${t.server.httpUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

describe("admin pages", () => {
  it("a token is created with role, store and expiry, shown once, listed, then revoked", async () => {
    const page = await t.open("/admin/shop?tab=tokens", t.shop.tokens.admin);
    const form = page.getByTestId("token-form");
    await form.waitFor();
    await page.getByLabel("Role").selectOption("staff");
    await page.getByLabel("Scope").selectOption("store:shop");
    await page.getByLabel("Label").fill("Kiosk tablet");
    await page.getByLabel("Expires").selectOption("30d");
    await page.getByRole("button", { name: "Create token" }).click();
    const once = page.getByTestId("new-token");
    await once.waitFor();
    expect(await once.textContent()).toMatch(/\(staff, store Rivoli test shop\)\. Copy it now: it is shown only this once\./);
    const token = await page.getByLabel("The new token").inputValue();
    expect(token).toMatch(/^ff_/);
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: "staff", store: "shop" });
    await shot(page, "admin-token-created");

    // After a reload the token is listed, without the secret.
    await page.reload();
    const row = page.locator('[data-testid^="token-"]', { hasText: "Kiosk tablet" });
    await row.waitFor();
    expect(await page.getByTestId("new-token").count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    expect(await row.textContent()).toMatch(/staff.*store Rivoli test shop.*Kiosk tablet/);
    expect(await row.getByTestId("token-state").textContent()).toBe("active");

    await row.getByRole("button", { name: "Revoke…" }).click();
    await row.getByRole("button", { name: "Revoke now" }).click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid^="token-"]')].some((r) => r.textContent?.includes("Kiosk tablet") && r.textContent.includes("revoked")),
    );
    expect((await me(token)).status).toBe(401);
    await shot(page, "admin-token-revoked");

    await page.getByRole("button", { name: "Audit log" }).click();
    await page.getByTestId("audit-table").waitFor();
    const actions = await page.getByTestId("audit-row").locator("td:nth-child(3)").allTextContents();
    expect(actions.slice(0, 2)).toEqual(["token.revoke", "token.create"]);
    expect(await page.getByTestId("audit-row").first().textContent()).toMatch(/admin/);
    await shot(page, "admin-audit");
    await page.close();
  });

  it("an agent is added (its login shown once), revoked, and let in again with a new password", async () => {
    const page = await t.open("/agents/shop", t.shop.tokens.admin);
    await page.getByTestId("agents-table").waitFor();
    await page.getByLabel("Agent id").fill("door-9");
    await page.getByLabel("Kind").selectOption("door");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByTestId("agent-credentials").waitFor();
    expect(await page.getByTestId("agent-username").textContent()).toBe("shop.door-9");
    const password = await page.getByTestId("agent-password").inputValue();
    expect(password.length).toBeGreaterThan(10);
    expect(await page.getByTestId("broker-sync").textContent()).toMatch(/embedded broker checks logins against the database/);
    const row = page.getByTestId("agent-door-9");
    await row.waitFor();
    await shot(page, "admin-agent-added");
    await row.getByRole("button", { name: "Revoke…" }).click();
    await row.getByRole("button", { name: "Revoke now" }).click();
    await row.getByTestId("agent-revoked").waitFor();
    await row.getByRole("button", { name: "Let in again" }).click();
    await page.waitForFunction((old) => (document.querySelector('[data-testid="agent-password"]') as HTMLInputElement | null)?.value !== old, password);
    await page.waitForFunction(() => !document.querySelector('[data-testid="agent-door-9"] [data-testid="agent-revoked"]'));
    await page.close();
  });

  it("a digest is scheduled and listed; without a mail server, send now says what to set", async () => {
    const page = await t.open("/admin/shop?tab=digests", t.shop.tokens.admin);
    await page.getByTestId("digest-form").waitFor();
    await page.getByLabel("How often").selectOption("weekly");
    await page.getByLabel("Recipients").fill("area@shop.example, manager@shop.example");
    await page.getByRole("button", { name: "Schedule" }).click();
    const row = page.locator('[data-testid^="digest-shop-weekly-"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/store Rivoli test shop.*weekly at 07:00.*area@shop\.example, manager@shop\.example.*not yet/);
    // This server has no mail server: the list says that nothing goes out, before anyone presses Send now.
    expect(await page.getByTestId("digests-mail-problem").textContent()).toMatch(/^No digest with recipients goes out, by mail or to its webhook, whatever its schedule \(one with a webhook and no recipients goes to its webhook\): no mail server: set FOOTFALL_SMTP_URL/);
    await row.getByRole("button", { name: "Send now" }).click();
    expect(await page.getByTestId("admin-error").textContent()).toMatch(/set FOOTFALL_SMTP_URL/);
    // What it would send can be checked without a mail server: the subject, the figures, the chart; nothing is sent.
    await row.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("digest-preview");
    await preview.waitFor();
    // A week before the shop's figures begin says "no data" (not 0 enters), one after them its enters.
    expect(await preview.getByRole("heading").textContent()).toMatch(/^Preview: Footfall weekly digest: Rivoli test shop, week of Mon \d+ \w+ \d{4}: (\d+ enters|no data) \(/);
    expect(await preview.textContent()).toMatch(/To area@shop\.example, manager@shop\.example; the \d{4}-\d\d-\d\d period/);
    expect(await preview.getByTestId("digest-preview-problem").textContent()).toMatch(/^It would not go out: no mail server: set FOOTFALL_SMTP_URL/);
    expect(await preview.locator("pre").textContent()).toMatch(/Enters\s+(\d+|no data)\s+the week before: (\d+|no data)/);
    expect(await preview.getByRole("img").getAttribute("src")).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(await row.textContent()).toMatch(/not yet/);
    await preview.getByRole("button", { name: "Close" }).click();
    await preview.waitFor({ state: "detached" });
    // A period the server gave up on (the mail server refused six times: the state the scheduler leaves, written
    // into the server's database as it would) is listed with its error and a button to send it again.
    const db = new Database(join(t.server.dataDir, "footfall.db"));
    try {
      db.pragma("busy_timeout = 5000");
      db.prepare("UPDATE digests SET failed_period = '2026-11-23', attempts = 6, last_error = '451 Mailbox busy, try again later', gave_up_at = ? WHERE id LIKE 'shop-weekly-%'").run(Date.now());
    } finally {
      db.close();
    }
    await page.reload();
    await row.waitFor();
    expect(await row.getByTestId("digest-problem").textContent()).toBe("2026-11-23 not sent: 451 Mailbox busy, try again later, gave up after 6 attempts");
    await row.getByRole("button", { name: "Send 2026-11-23 again" }).click();
    expect(await page.getByTestId("admin-error").textContent()).toMatch(/set FOOTFALL_SMTP_URL/);
    await page.close();
  });

  it("a group digest whose stores came to be in two time zones says so, and is given a zone in the list", async () => {
    const api = t.shop.api;
    await api.putLayout("nyc", { ...shopLayout(), name: "Fifth Avenue", timezone: "America/New_York" });
    expect((await api.request("POST", "/api/v1/groups", { id: "flagships", name: "Flagships", stores: ["shop"] })).status).toBe(200);
    const made = await api.request<{ id: string }>("POST", "/api/v1/digests", { scope: "group", target: "flagships", frequency: "daily", recipients: ["hq@shop.example"], hour: 7 });
    expect(made.status).toBe(200);
    expect((await api.request("PATCH", "/api/v1/groups/flagships", { stores: ["shop", "nyc"] })).status).toBe(200);
    const page = await t.open("/admin/shop?tab=digests", t.shop.tokens.admin);
    const row = page.getByTestId(`digest-${made.body.id}`);
    await row.waitFor();
    expect(await row.getByTestId("digest-problem").textContent()).toMatch(/^the group's stores are in several time zones \(America\/New_York, Europe\/Paris\): give the digest a time zone/);
    await row.getByLabel(`Time zone of ${made.body.id}`).fill("America/New_York");
    await row.getByRole("button", { name: "Set time zone" }).click();
    await row.getByText("daily at 07:00 (America/New_York)").waitFor();
    expect(await row.getByTestId("digest-problem").textContent()).toBe("");
    await page.close();
  });

  it("each tab acting on the store picked at the top right names it, by its name, with one heading: Store settings, Webhooks; the audit log's filter too", async () => {
    const name = (await t.shop.api.stores()).stores.find((s) => s.id === "shop")!.name;
    const page = await t.open("/admin/shop?tab=store", t.shop.tokens.admin);
    await page.getByTestId("settings-of").waitFor();
    expect(await page.getByTestId("settings-of").textContent()).toBe(`Settings of ${name}`);
    expect(await page.getByTestId("settings-scope").textContent()).toMatch(/are this store's only\. For another store, pick it in the Store menu at the top right\.$/);
    await shot(page, "admin-store-settings-of");
    await page.getByRole("button", { name: "Webhooks" }).click();
    expect(await page.getByTestId("webhooks-of").textContent()).toBe(`Webhooks of ${name}`);
    // The same heading: the same element, the same look.
    const look = (id: string) => page.getByTestId(id).evaluate((e) => [e.tagName, e.className, getComputedStyle(e).fontSize, getComputedStyle(e).fontWeight].join(" "));
    const settingsLook = await (async () => {
      await page.getByRole("button", { name: "Store settings" }).click();
      return look("settings-of");
    })();
    await page.getByRole("button", { name: "Webhooks" }).click();
    expect(await look("webhooks-of")).toBe(settingsLook);
    // The audit log's filter names the store as the menu does, not by its id.
    await page.getByRole("button", { name: "Audit log" }).click();
    await page.getByTestId("audit-table").waitFor();
    await page.getByText(`only ${name}`, { exact: true }).waitFor();
    await page.close();
  });

  it("the webhook form is laid out as the store's settings form: each label's text beside its field, centred on it, the fields on one row", async () => {
    /** For each label of the form: its text's and its field's vertical centres and tops, px. */
    const layout = (page: Page, form: string) =>
      page.getByTestId(form).evaluate((f) =>
        [...f.querySelectorAll("label.row")].map((l) => {
          const text = l.querySelector("span")!.getBoundingClientRect();
          const field = l.querySelector(".field")!.getBoundingClientRect();
          return { label: l.querySelector("span")!.textContent, textMiddle: Math.round(text.top + text.height / 2), fieldMiddle: Math.round(field.top + field.height / 2), beside: text.right <= field.left, fieldTop: Math.round(field.top) };
        }),
      );
    for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
      const page = await t.open("/admin/shop?tab=webhooks", t.shop.tokens.admin, size);
      await page.getByTestId("webhook-form").waitFor();
      const settings = await t.open("/admin/shop?tab=store", t.shop.tokens.admin, size);
      await settings.getByTestId("store-basics").waitFor();
      for (const [p, form] of [[page, "webhook-form"], [settings, "store-basics"]] as const) {
        const labels = await layout(p, form);
        expect(labels.length, form).toBeGreaterThan(1);
        for (const l of labels) {
          expect(l.beside, `${form} ${l.label} at ${size.width}`).toBe(true);
          expect(Math.abs(l.textMiddle - l.fieldMiddle), `${form} ${l.label} at ${size.width}`).toBeLessThanOrEqual(2);
        }
        expect(new Set(labels.map((l) => l.fieldTop)).size, `${form} fields on one row at ${size.width}`).toBe(1);
      }
      if (size.width === 1024) await shot(page, "admin-webhook-form-1024");
      await page.close();
      await settings.close();
    }
  });

  it("a store group is created in the store's settings, holding that store (ticked from the moment it shows), and the chain view filters by it", async () => {
    const page = await t.open("/admin/shop?tab=store", t.shop.tokens.admin);
    const form = page.getByTestId("group-form");
    await form.waitFor();
    await page.getByLabel("New group's name").fill("Île-de-France Nord");
    // Every state the new group's checkbox is in, from the moment it shows: at each DOM change (a
    // MutationObserver) and each frame painted. The store's groups are answered 1.5 s late, so a box that
    // shows the group list before the store's groups say it holds the store shows it unticked that long
    // (a user could untick it with a click).
    await page.evaluate((name) => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      const take = () => {
        const box = [...document.querySelectorAll<HTMLInputElement>("input[type=checkbox]")].find((b) => b.closest("label")?.textContent?.trim() === name);
        const state = box ? (box.checked ? "ticked" : "unticked") : null;
        if (state && w.seen.at(-1) !== state) w.seen.push(state);
      };
      new MutationObserver(take).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      const frame = () => (take(), requestAnimationFrame(frame));
      frame();
    }, "Île-de-France Nord");
    await page.route(/\/api\/v1\/stores\/shop\/groups(\?|$)/, async (r) => {
      if (r.request().method() === "GET") await new Promise((done) => setTimeout(done, 1500));
      await r.continue();
    });
    await form.getByRole("button", { name: "Create group with this store" }).click();
    await page.getByRole("checkbox", { name: "Île-de-France Nord", checked: true }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(["ticked"]);
    await shot(page, "admin-group-created");
    await page.unroute(/\/api\/v1\/stores\/shop\/groups(\?|$)/);
    const groups = await fetch(`${t.server.httpUrl}/api/v1/groups`, { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } }).then((r) => r.json() as Promise<{ groups: { id: string; name: string; stores: string[] }[] }>);
    expect(groups.groups).toContainEqual(expect.objectContaining({ id: "ile-de-france-nord", name: "Île-de-France Nord", stores: ["shop"] }));
    // The same name again: the server's refusal is shown, saying the group exists.
    await page.getByLabel("New group's name").fill("Ile de France Nord");
    await form.getByRole("button", { name: "Create group with this store" }).click();
    expect(await page.getByTestId("admin-error").textContent()).toMatch(/exists already/);
    await page.goto(`${t.server.httpUrl}/#/chain/shop?group=ile-de-france-nord`);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=chain-table] tbody tr").length === 1);
    await page.close();
  });

  it("the store's name (a new layout version) and opening hours are changed in its settings", async () => {
    const page = await t.open("/admin/shop?tab=store", t.shop.tokens.admin);
    await page.getByTestId("store-basics").waitFor();
    await page.getByLabel("Store name").fill("Rivoli flagship");
    await page.getByRole("button", { name: /^Save \(a new layout version/ }).click();
    await page.getByTestId("store-basics").getByText("Saved.").waitFor();
    const layout = await fetch(`${t.server.httpUrl}/api/v1/stores/shop/layout`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } }).then(
      (r) => r.json() as Promise<{ name: string; version: number }>,
    );
    expect(layout).toMatchObject({ name: "Rivoli flagship", version: 2 });
    // Opening hours: Monday 09:00-19:00, the rest closed.
    const hours = page.getByTestId("hours-editor");
    // None set yet: it says the store counts as always open (the unticked days are not closed yet).
    expect(await hours.getByTestId("hours-none").textContent()).toMatch(/always open/);
    await hours.locator("tr", { hasText: "Monday" }).getByRole("checkbox").check();
    await page.getByLabel("Monday closes").fill("19:30");
    await page.getByRole("button", { name: "Save opening hours" }).click();
    await hours.getByText("Saved.").waitFor();
    const saved = await fetch(`${t.server.httpUrl}/api/v1/stores/shop/hours`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } }).then(
      (r) => r.json() as Promise<{ hours: { weekly: Record<string, unknown[]> } }>,
    );
    expect(saved.hours.weekly.mon).toEqual([{ open: "09:00", close: "19:30" }]);
    expect(saved.hours.weekly.tue).toEqual([]);
    await expect.poll(() => hours.getByTestId("hours-none").count()).toBe(0);
    // Several intervals a day: Monday 09:00-12:30 and 14:00-19:00; an overlap is refused with a message naming both.
    await page.getByRole("button", { name: "Add an interval on Monday" }).click();
    await page.getByLabel("Monday closes (interval 1)", { exact: true }).fill("12:30");
    await page.getByLabel("Monday opens (interval 2)", { exact: true }).fill("12:00");
    await page.getByLabel("Monday closes (interval 2)", { exact: true }).fill("19:00");
    await page.getByRole("button", { name: "Save opening hours" }).click();
    expect(await hours.getByTestId("hours-problems").textContent()).toBe("Monday: 09:00-12:30 and 12:00-19:00 overlap");
    const monday = async () =>
      (
        await fetch(`${t.server.httpUrl}/api/v1/stores/shop/hours`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } }).then(
          (r) => r.json() as Promise<{ hours: { weekly: Record<string, unknown[]> } }>,
        )
      ).hours.weekly.mon;
    expect(await monday()).toEqual([{ open: "09:00", close: "19:30" }]); // nothing saved
    await page.getByLabel("Monday opens (interval 2)", { exact: true }).fill("14:00");
    await page.getByRole("button", { name: "Save opening hours" }).click();
    await hours.getByText("Saved.").waitFor();
    expect(await hours.getByTestId("hours-problems").count()).toBe(0);
    expect(await monday()).toEqual([
      { open: "09:00", close: "12:30" },
      { open: "14:00", close: "19:00" },
    ]);
    // Out of order is refused too; removing an interval leaves the other.
    await page.getByLabel("Monday opens (interval 1)", { exact: true }).fill("15:00");
    await page.getByLabel("Monday closes (interval 1)", { exact: true }).fill("16:00");
    await page.getByRole("button", { name: "Save opening hours" }).click();
    expect(await hours.getByTestId("hours-problems").textContent()).toBe("Monday: 14:00-19:00 is listed after 15:00-16:00: put the intervals in time order");
    await page.getByRole("button", { name: "Remove Monday 15:00-16:00" }).click();
    await page.getByRole("button", { name: "Save opening hours" }).click();
    await hours.getByText("Saved.").waitFor();
    expect(await monday()).toEqual([{ open: "14:00", close: "19:00" }]);
    await page.close();
  });

  it("dated exceptions are edited in the same editor: stored, shown in the Alerts view after a reload, a bad one refused", async () => {
    const page = await t.open("/admin/shop?tab=store", t.shop.tokens.admin);
    const hours = page.getByTestId("hours-editor");
    await hours.getByTestId("hours-exceptions-none").waitFor();
    const stored = async () =>
      (
        await fetch(`${t.server.httpUrl}/api/v1/stores/shop/hours`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } }).then(
          (r) => r.json() as Promise<{ hours: { weekly: Record<string, unknown[]>; exceptions: unknown[] } }>,
        )
      ).hours;
    // Christmas closed (a new row is closed all day), then Christmas Eve open 09:00-14:00: saved in date order.
    await page.getByRole("button", { name: "+ Add a dated exception" }).click();
    await page.getByLabel("Exception 1 date", { exact: true }).fill("2026-12-25");
    await page.getByLabel("Exception 1 note", { exact: true }).fill("Christmas");
    await page.getByRole("button", { name: "+ Add a dated exception" }).click();
    await page.getByLabel("Exception 2 date", { exact: true }).fill("2026-12-24");
    await page.getByLabel("Exception 2 open", { exact: true }).check();
    await page.getByLabel("Exception 2 closes", { exact: true }).fill("14:00");
    await page.getByLabel("Exception 2 note", { exact: true }).fill("Christmas Eve");
    await page.getByRole("button", { name: "Save opening hours" }).click();
    await hours.getByText("Saved.").waitFor();
    const saved = await stored();
    expect(saved.exceptions).toEqual([
      { date: "2026-12-24", intervals: [{ open: "09:00", close: "14:00" }], note: "Christmas Eve" },
      { date: "2026-12-25", intervals: [], note: "Christmas" },
    ]);
    expect(saved.weekly.mon).toEqual([{ open: "14:00", close: "19:00" }]); // the week kept
    // The form shows what was stored, by date.
    await expect.poll(() => page.getByLabel("Exception 1 date", { exact: true }).inputValue()).toBe("2026-12-24");

    // The Alerts view shows the same hours in the same editor.
    const alerts = await t.open("/alerts/shop", t.shop.tokens.admin);
    await alerts.getByTestId("hours-exceptions").waitFor();
    expect(await alerts.getByLabel("Exception 1 date", { exact: true }).inputValue()).toBe("2026-12-24");
    expect(await alerts.getByLabel("Exception 1 opens", { exact: true }).inputValue()).toBe("09:00");
    expect(await alerts.getByLabel("Exception 1 closes", { exact: true }).inputValue()).toBe("14:00");
    expect(await alerts.getByLabel("Exception 1 note", { exact: true }).inputValue()).toBe("Christmas Eve");
    expect(await alerts.getByLabel("Exception 2 date", { exact: true }).inputValue()).toBe("2026-12-25");
    expect(await alerts.getByLabel("Exception 2 open", { exact: true }).isChecked()).toBe(false);
    expect(await alerts.getByLabel("Monday opens", { exact: true }).inputValue()).toBe("14:00");
    await alerts.close();

    // A second row for Christmas Eve is refused, naming the date and the rows; nothing is saved.
    await page.getByRole("button", { name: "+ Add a dated exception" }).click();
    await page.getByLabel("Exception 3 date", { exact: true }).fill("2026-12-24");
    await page.getByRole("button", { name: "Save opening hours" }).click();
    await hours.getByTestId("hours-problems").waitFor();
    expect(await hours.getByTestId("hours-problems").textContent()).toBe("24 Dec 2026: rows 1 and 3 are both for this date: keep one");
    expect((await stored()).exceptions).toEqual(saved.exceptions);
    await shot(page, "admin-opening-hours", { fullPage: true });
    await page.close();
  });

  it("a viewer has no admin page, and prints a report without the navigation", async () => {
    const page = await t.open("/admin/shop", t.shop.tokens.viewer);
    await page.getByText("Not available with this token").waitFor();
    expect(await page.locator("nav.nav a", { hasText: "Admin" }).count()).toBe(0);
    await page.goto(`${t.server.httpUrl}/#/report/shop?range=last7`);
    await page.getByTestId("report-figures").waitFor();
    await page.getByTestId("report-days").waitFor();
    expect(await page.getByTestId("report-days").locator("tbody tr").count()).toBe(8); // 7 days and the total
    // On screen, its heading is laid out by the stylesheet as every view's (no inline style): the range bar 14 px below the title, as on the heatmap.
    const heading = page.getByTestId("report-heading");
    expect(await heading.getAttribute("style")).toBeNull();
    expect(await heading.locator("[style]").count()).toBe(0);
    const gap = async () => {
      const [title, toolbar] = await Promise.all([page.locator(".page-h").boundingBox(), page.locator(".toolbar").first().boundingBox()]);
      return Math.round(toolbar!.y - (title!.y + title!.height));
    };
    expect(await gap()).toBe(14);
    // Custom days (the date fields 6 px apart), then the heatmap's heading: the same spacing, its compare toggle too, from the stylesheet.
    const css = (selector: string, prop: "columnGap" | "cursor") => page.locator(selector).first().evaluate((el, p) => getComputedStyle(el)[p], prop);
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${t.server.httpUrl}/#/report/shop?from=${day(3)}&to=${day(2)}`);
    await page.getByLabel("First day").waitFor();
    expect(await heading.locator("[style]").count()).toBe(0);
    expect(await css(".range-days", "columnGap")).toBe("6px");
    await page.goto(`${t.server.httpUrl}/#/heatmap/shop?range=last7`);
    await page.getByTestId("ranking").waitFor();
    expect(await gap()).toBe(14);
    expect(await page.locator(".page-h, .toolbar").locator("[style]").count()).toBe(0);
    expect([await css(".row.toggle", "columnGap"), await css(".row.toggle", "cursor")]).toEqual(["6px", "pointer"]);
    await page.goto(`${t.server.httpUrl}/#/report/shop?range=last7`);
    await page.getByTestId("report-figures").waitFor();
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".app-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Print or save as PDF" }).isVisible()).toBe(false);
    expect(await page.locator(".report-title").isVisible()).toBe(true);
    await shot(page, "report-print", { fullPage: true });
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await page.close();
  });
});

describe("accessibility of the admin pages and the report", () => {
  for (const [name, hash, ready] of [
    ["tokens", "/admin/shop?tab=tokens", "tokens-table"],
    ["audit", "/admin/shop?tab=audit", "audit-table"],
    ["digests", "/admin/shop?tab=digests", "digest-form"],
    ["store settings", "/admin/shop?tab=store", "hours-editor"],
    ["agents", "/agents/shop", "agent-add"],
    ["report", "/report/shop?range=last7", "report-zones"],
  ] as const) {
    it(`${name}: no serious or critical axe violation`, async () => {
      const page = await t.open(hash, t.shop.tokens.admin);
      await page.getByTestId(ready).first().waitFor();
      await page.waitForTimeout(300);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });
  }
});
