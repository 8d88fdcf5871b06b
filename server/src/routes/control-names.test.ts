/**
 * Names with control characters or bidi overrides (core names.ts). A zone named "Fruit\x1b[2J" or a
 * group named "North\r\nBcc: ..." was saved as sent and went on into Home Assistant entity names, CSV
 * cells, digests' mail subjects, the CLI's tables and the UI; a store named "Rivoli \u202eexe.pdf" read
 * backwards there. Now each name a person gives (store, zone, store group and its kind, alert rule,
 * experiment, token label) is refused with a 400 naming the field and the character, and ordinary
 * text of any script is taken. Names stored before still read.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput, ZoneId } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const NOW = Date.UTC(2026, 10, 20, 15, 37, 12);
const t = useTestServer({ now: () => NOW, stores: ["shop"] });

const ESC = "holds U+001B (ESC, a control character): a name is one line of plain text; remove it";
const LF = "holds U+000A (LINE FEED, a control character): a name is one line of plain text; remove it";
const RLO = "holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)";
const LRI = "holds U+2066 (LEFT-TO-RIGHT ISOLATE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)";
/** Names of any script: accents, CJK, Hebrew with a right-to-left mark, Arabic, an emoji. */
const FINE = "Caf\u00e9 \u6771\u4eac \u05d7\u05dc\u05d1\u200f \u0645\u062a\u062c\u0631 \ud83c\udf4e";

const layoutNamed = (store: string, zone: string): LayoutInput => {
  const l = smallLayout({ name: store });
  return { ...l, zones: l.zones.map((z) => (z.id === ("fruit" as ZoneId) ? { ...z, name: zone } : z)) };
};
const refusal = async (method: "POST" | "PUT" | "PATCH", url: string, body: object) => {
  const res = await t.request(method, url, body);
  return [res.status, res.body.message];
};

describe("names with control characters or bidi overrides", () => {
  it("a layout whose zone or store name holds one is refused naming the field and the character, and nothing is saved", async () => {
    await t.putLayout("shop", layoutNamed("Rivoli", "Fruit"));
    const saved = (await t.get("/api/v1/stores/shop/layout")).body.version;
    expect(await refusal("PUT", "/api/v1/stores/shop/layout", layoutNamed("Rivoli", "Fruit\u001b[2J"))).toEqual([400, `body/zones/1/name ${ESC}`]);
    expect(await refusal("PUT", "/api/v1/stores/shop/layout", layoutNamed("Rivoli \u202eexe.pdf", "Fruit"))).toEqual([400, `body/name ${RLO}`]);
    expect(await refusal("PUT", "/api/v1/stores/shop/layout", layoutNamed("Rivoli", "Fruit\nBakery"))).toEqual([400, `body/zones/1/name ${LF}`]);
    const kept = (await t.get("/api/v1/stores/shop/layout")).body;
    expect([kept.version, kept.name, kept.zones[1].name]).toEqual([saved, "Rivoli", "Fruit"]);
  });

  it("a store group's name or kind holding one is refused, on create and on rename", async () => {
    expect(await refusal("POST", "/api/v1/groups", { id: "north", name: "North\r\nBcc: all@example.com", stores: ["shop"] })).toEqual([
      400,
      "body/name holds U+000D (CARRIAGE RETURN, a control character): a name is one line of plain text; remove it",
    ]);
    expect(await refusal("POST", "/api/v1/groups", { id: "north", name: "North", kind: "\u2066region", stores: ["shop"] })).toEqual([400, `body/kind ${LRI}`]);
    expect((await t.request("POST", "/api/v1/groups", { id: "north", name: "North", stores: ["shop"] })).status).toBe(200);
    expect(await refusal("PATCH", "/api/v1/groups/north", { name: "North\u0007" })).toEqual([400, "body/name holds U+0007 (BEL, a control character): a name is one line of plain text; remove it"]);
    expect((await t.get("/api/v1/groups/north")).body.name).toBe("North");
  });

  it("an alert rule's, an experiment's and a token's name holding one is refused naming the field", async () => {
    const rule = { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false };
    expect(await refusal("POST", "/api/v1/stores/shop/alert-rules", { ...rule, name: "Busy\u001b]0;owned\u0007" })).toEqual([400, `body/name ${ESC}`]);
    const experiment = { testStores: ["shop"], changeAt: "2026-11-10", before: { from: "2026-11-01", to: "2026-11-08" }, after: { from: "2026-11-12", to: "2026-11-19" }, zones: ["fruit"] };
    expect(await refusal("POST", "/api/v1/experiments", { ...experiment, name: "New shelf\u202e" })).toEqual([400, `body/name ${RLO}`]);
    expect(await refusal("POST", "/api/v1/tokens", { role: "viewer", label: "tablet\n2" })).toEqual([400, `body/label ${LF}`]);
    const token = await t.request("POST", "/api/v1/tokens", { role: "viewer", label: "tablet" });
    // A label may be null: still one clause, the character's.
    expect(await refusal("PATCH", `/api/v1/tokens/${token.body.id}`, { label: "tablet\u001b" })).toEqual([400, `body/label ${ESC}`]);
  });

  it("a department's name holding one is refused, said with the character written out", async () => {
    await t.putLayout("shop", layoutNamed("Rivoli", "Fruit"));
    expect(await refusal("PUT", "/api/v1/stores/shop/departments", { departments: { "Fresh\u001b[2J": ["fruit"] } })).toEqual([400, `a key of body/departments ("Fresh\\u{1b}[2J") ${ESC}`]);
    expect(await refusal("PUT", "/api/v1/stores/shop/departments", { departments: { "Fr\u202eesh": ["fruit"] } })).toEqual([400, `a key of body/departments ("Fr\\u{202e}esh") ${RLO}`]);
    const fine = await t.request("PUT", "/api/v1/stores/shop/departments", { departments: { [FINE]: ["fruit"] } });
    expect([fine.status, Object.keys(fine.body.departments)]).toEqual([200, [FINE]]);
  });

  it("takes names of any script, with accents, CJK, right-to-left text and its marks, and emoji, and reads them back as sent", async () => {
    await t.putLayout("shop", layoutNamed(FINE, FINE));
    const read = (await t.get("/api/v1/stores/shop/layout")).body;
    expect([read.name, read.zones[1].name]).toEqual([FINE, FINE]);
    const group = await t.request("POST", "/api/v1/groups", { id: "g-fine", name: FINE, kind: FINE, stores: ["shop"] });
    expect([group.status, group.body.name, group.body.kind]).toEqual([200, FINE, FINE]);
    const rule = await t.request("POST", "/api/v1/stores/shop/alert-rules", { kind: "occupancy", name: FINE, threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false });
    expect([rule.status, rule.body.name]).toEqual([201, FINE]);
    const token = await t.request("POST", "/api/v1/tokens", { role: "viewer", label: FINE });
    expect((await t.request("PATCH", `/api/v1/tokens/${token.body.id}`, { label: `${FINE} 2` })).body.label).toBe(`${FINE} 2`);
  });

  it("a layout and a group stored before the rule with such names still read", async () => {
    const { storage } = t.server.services;
    await storage.stores.saveLayout("old", layoutNamed("Old\u001b[31m", "Fruit\u202e\n"), NOW);
    const read = await t.get("/api/v1/stores/old/layout");
    expect([read.status, read.body.name, read.body.zones[1].name]).toEqual([200, "Old\u001b[31m", "Fruit\u202e\n"]);
    await storage.groups.create("old-group", "Old\r\ngroup", "\u2067kind", NOW);
    const group = await t.get("/api/v1/groups/old-group");
    expect([group.status, group.body.name, group.body.kind]).toEqual([200, "Old\r\ngroup", "\u2067kind"]);
    // A digest's mail subject writes such a name out: one line, read in order.
    const digest = await t.request("POST", "/api/v1/digests", { scope: "store", target: "old", frequency: "daily", recipients: ["boss@shop.example"], hour: 7 });
    expect(digest.status, digest.text).toBe(200);
    const preview = await t.get(`/api/v1/digests/${digest.body.id}/preview?period=2026-11-19`);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.subject).toMatch(/^Footfall daily digest: Old\\u\{1b\}\[31m, Thu 19 Nov 2026: /);
    // A group digest's body lists its stores by name: one line each, written out too (the raw ESC was in the text).
    expect(await storage.groups.setStores("old-group", ["old", "shop"])).toBe(true);
    const group2 = await t.request("POST", "/api/v1/digests", { scope: "group", target: "old-group", frequency: "daily", recipients: ["boss@shop.example"], hour: 7 });
    expect(group2.status, group2.text).toBe(200);
    const groupPreview = await t.get(`/api/v1/digests/${group2.body.id}/preview?period=2026-11-19`);
    expect(groupPreview.status, groupPreview.text).toBe(200);
    expect(groupPreview.body.subject).toMatch(/^Footfall daily digest: Old\\u\{d\}\\u\{a\}group, /);
    const storesLine = (groupPreview.body.text as string).split("\n").find((l) => l.startsWith("Stores: "))?.slice("Stores: ".length);
    expect(storesLine?.split(", ")).toContain("Old\\u{1b}[31m");
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    expect(groupPreview.body.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/);
    // And a group stored so is renamed to a good name as any other.
    expect((await t.request("PATCH", "/api/v1/groups/old-group", { name: "Old group", kind: null })).body).toMatchObject({ name: "Old group", kind: null });
  });
});
