/**
 * What a token whose role may not call a route is told (403): which roles may, and what this one is for. A staff token
 * on a reports route read 'may not do this (needs viewer)', as if staff were below viewer. Real SQLite, in process.
 */
import { describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";
import { roleAllows, roleRefusalMessage } from "../auth/roles.js";

const t = useTestServer({ stores: ["shop"] });

describe("a role's 403", () => {
  it("a staff token on a viewer's route is told which roles may and what staff is for", async () => {
    const res = await t.request("GET", "/api/v1/stores/shop/dwell", undefined, await t.token("staff"));
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      `this token's role "staff" may not do this: it needs a viewer, merchandiser or admin token; this one is staff, which sees the live view, queues, alerts and forecasts (and acknowledges alerts), not the reports`,
    );
  });

  it("a viewer on the live view is told staff or admin, a merchandiser on the audit log admin", async () => {
    const live = await t.request("GET", "/api/v1/stores/shop/occupancy", undefined, await t.token("viewer"));
    expect(live.status).toBe(403);
    expect(live.body.message).toBe(`this token's role "viewer" may not do this: it needs a staff or admin token; this one is viewer, which reads the reports, not the live view`);
    const audit = await t.request("GET", "/api/v1/audit", undefined, await t.token("merchandiser"));
    expect(audit.status).toBe(403);
    expect(audit.body.message).toMatch(/^this token's role "merchandiser" may not do this: it needs an admin token; this one is merchandiser, /);
  });

  it("never words a refused role as one of those that may", () => {
    for (const role of ["viewer", "staff", "merchandiser"] as const)
      for (const needed of ["viewer", "staff", "merchandiser", "admin"] as const) {
        if (roleAllows(role, needed)) continue;
        const m = roleRefusalMessage(role, needed);
        const may = m.slice(m.indexOf("needs ") + 6, m.indexOf(" token;"));
        expect(may.split(/, | or /).map((w) => w.replace(/^an? /, ""))).not.toContain(role);
        expect(may).toContain("admin");
      }
  });
});
