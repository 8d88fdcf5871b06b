/**
 * Renaming a token (PATCH /api/v1/tokens/:id {label}): the label an admin recognises it by changes,
 * nothing else does (the token keeps working); the audit log says from what to what; an admin
 * limited to a store renames only that store's tokens.
 */
import { describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
const t = useTestServer({ now: () => T0, stores: ["shop", "other"] });

const make = async (body: object) => (await t.request<{ token: string; id: string }>("POST", "/api/v1/tokens", body)).body;

describe("PATCH /api/v1/tokens/:id", () => {
  it("gives a token a new label, listed at once; the token keeps working and its role, store and expiry stay", async () => {
    const made = await make({ role: "viewer", store: "shop", label: "Anna's laptop", expires: "30d" });
    const before = (await t.get("/api/v1/tokens")).body.tokens.find((x: { id: string }) => x.id === made.id);
    const res = await t.request("PATCH", `/api/v1/tokens/${made.id}`, { label: "  Front tablet " });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ ...before, label: "Front tablet" });
    expect((await t.get("/api/v1/tokens")).body.tokens.find((x: { id: string }) => x.id === made.id).label).toBe("Front tablet");
    expect((await t.get("/api/v1/me", made.token)).status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(made.token);
  });

  it("a blank label or null takes the label away", async () => {
    const made = await make({ role: "staff", label: "old" });
    expect((await t.request("PATCH", `/api/v1/tokens/${made.id}`, { label: "   " })).body.label).toBeNull();
    expect((await t.request("PATCH", `/api/v1/tokens/${made.id}`, { label: null })).body.label).toBeNull();
  });

  it("is written to the audit log: who, which token, from what to what", async () => {
    const made = await make({ role: "viewer", store: "shop", label: "kiosk 1" });
    await t.request("PATCH", `/api/v1/tokens/${made.id}`, { label: "kiosk by the door" });
    const entries = (await t.get(`/api/v1/audit?action=token.label&target=${made.id}`)).body.entries;
    expect(entries).toEqual([expect.objectContaining({ action: "token.label", target: made.id, store: "shop", details: { from: "kiosk 1", to: "kiosk by the door" } })]);
  });

  it("answers 404 for an unknown token, and for another store's token to an admin limited to a store", async () => {
    expect((await t.request("PATCH", "/api/v1/tokens/000000000000", { label: "x" })).status).toBe(404);
    const other = await make({ role: "viewer", store: "other", label: "theirs" });
    const limited = await t.token("admin", "shop");
    expect((await t.request("PATCH", `/api/v1/tokens/${other.id}`, { label: "mine now" }, limited)).status).toBe(404);
    const own = await make({ role: "viewer", store: "shop", label: "ours" });
    expect((await t.request("PATCH", `/api/v1/tokens/${own.id}`, { label: "still ours" }, limited)).body.label).toBe("still ours");
  });

  it("refuses a label over 200 characters, naming the field", async () => {
    const made = await make({ role: "viewer" });
    const res = await t.request("PATCH", `/api/v1/tokens/${made.id}`, { label: "x".repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/body\/label/);
  });
});
