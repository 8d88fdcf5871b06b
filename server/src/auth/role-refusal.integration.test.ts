/**
 * `footfall token add --role manager` (there is no such role) was refused with commander's "Allowed choices are viewer,
 * staff, merchandiser, admin" and nothing about which one a store manager gets. Now the refusal names the roles and the
 * one each job gets, as README's "Roles and tokens" says, and makes no token and no data folder. The built CLI, run with
 * node; then the token it suggests for a store manager is made as the words say.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { footfall, footfallJson, tempDir } from "../../../test/support/index.js";

const dir = tempDir("footfall-role-refusal-");
afterAll(() => dir.remove());

describe("footfall token add --role <a role that does not exist>", () => {
  it("says which role a store manager, floor staff, a merchandiser and an area manager get, and makes nothing", async () => {
    const data = join(dir.path, "data");
    const r = await footfall(["token", "add", "--role", "manager", "--store", "demo"], { dataDir: data });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe(
      "error: option '--role <role>' argument 'manager' is invalid. no role 'manager': the roles are viewer, staff, merchandiser, admin. " +
        "A store manager gets --role admin --store <store> (its live view, reports, setup and tokens); " +
        "floor staff --role staff --store <store> (live occupancy, acknowledging alerts); " +
        "a merchandiser --role merchandiser --store <store> (reports, layouts, departments, experiments); " +
        "an area manager --role viewer --group <group> (the reports of the group's stores; --role admin --group <group> to run them too)",
    );
    expect(existsSync(data)).toBe(false);

    // What it says to do works: a store manager's token for a store being set up.
    const made = await footfallJson<{ role: string; store: string }>(["token", "add", "--role", "admin", "--store", "demo", "--new-store"], { dataDir: data });
    expect([made.role, made.store]).toEqual(["admin", "demo"]);
  }, 60_000);
});
