/**
 * An area manager's tokens, limited to a store group, in chromium against the built server: the
 * Admin pages offer what the token may do and nothing the server would refuse (no "every store"
 * token, no other group, no new group), and the layout editor does not offer to create a store
 * (a new store is in no group: its first layout would be refused).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

const t = withShop();
let groupAdmin: string;
let groupMerchandiser: string;

beforeAll(async () => {
  const api = t.shop.api;
  await api.putLayout("lyon", { ...shopLayout(), name: "Lyon Part-Dieu" });
  expect((await api.request("POST", "/api/v1/groups", { id: "north", name: "North", stores: ["shop"] })).status).toBe(200);
  expect((await api.request("POST", "/api/v1/groups", { id: "south", name: "South", stores: ["lyon"] })).status).toBe(200);
  const made = (role: string) => api.request<{ token: string }>("POST", "/api/v1/tokens", { role, group: "north", label: `north ${role}` }).then((r) => r.body.token);
  groupAdmin = await made("admin");
  groupMerchandiser = await made("merchandiser");
});

describe("a token limited to a store group", () => {
  it("makes tokens for its group or its stores only, its group chosen at first", async () => {
    const page = await t.open("/admin/shop?tab=tokens", groupAdmin);
    const scope = page.getByLabel("Scope");
    await scope.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('select[aria-label="Scope"] option')].some((o) => o.textContent === "group North"));
    expect(await scope.locator("option").allTextContents()).toEqual(["store Rivoli test shop", "group North"]);
    expect(await scope.inputValue()).toBe("group:north");
    await page.getByLabel("Label").fill("north tablet");
    await page.getByRole("button", { name: "Create token" }).click();
    const once = page.getByTestId("new-token");
    await once.waitFor();
    expect(await once.textContent()).toMatch(/\(viewer, group North\)/);
    expect(await page.getByTestId("admin-error").count()).toBe(0);
    await page.close();
  });

  it("is told that new groups are an admin of every store's, rather than offered a form the server refuses", async () => {
    const page = await t.open("/admin/shop?tab=store", groupAdmin);
    const note = page.getByTestId("group-form-limited");
    await note.waitFor();
    expect(await note.textContent()).toBe("New groups are made by an admin of every store: this token is limited to group North.");
    expect(await page.getByTestId("group-form").count()).toBe(0);
    await page.close();
  });

  it("schedules a digest of its own group, not of another group its stores are in", async () => {
    expect((await t.shop.api.request("POST", "/api/v1/groups", { id: "flagships", name: "Flagships", stores: ["shop"] })).status).toBe(200);
    const page = await t.open("/admin/shop?tab=digests", groupAdmin);
    await page.getByTestId("digest-form").waitFor();
    await page.getByLabel("Of", { exact: true }).selectOption("group");
    // The groups' list is fetched: awaited until it is there (the hang guard), then it holds the token's group only.
    await expect.poll(() => page.getByLabel("Which", { exact: true }).locator("option").allTextContents(), { timeout: 15_000 }).toEqual(["North"]);
    await page.close();
  });

  it("a merchandiser of the group is not offered to create a store in the layout editor", async () => {
    const page = await t.open("/editor/newshop", groupMerchandiser);
    const unknown = page.getByTestId("unknown-store");
    await unknown.waitFor();
    expect(await page.getByText("draw its first layout").count()).toBe(0);
    await page.close();
  });
});
