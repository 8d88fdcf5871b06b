/**
 * What a role that does not exist is told (unknownRoleMessage): one source of words for `footfall token add --role`
 * and POST /api/v1/tokens; the CLI's words stay as 5cde4f0 made them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROLES } from "../storage/types.js";
import { isRole, unknownRoleMessage } from "./roles.js";

describe("unknownRoleMessage", () => {
  it("words the CLI's advice as options and the API's as body fields, job by job alike", () => {
    expect(unknownRoleMessage("manager")).toBe(
      "no role 'manager': the roles are viewer, staff, merchandiser, admin. " +
        "A store manager gets --role admin --store <store> (its live view, reports, setup and tokens); " +
        "floor staff --role staff --store <store> (live occupancy, acknowledging alerts); " +
        "a merchandiser --role merchandiser --store <store> (reports, layouts, departments, experiments); " +
        "an area manager --role viewer --group <group> (the reports of the group's stores; --role admin --group <group> to run them too)",
    );
    // The same words with the grants spelled the other way.
    const cli = unknownRoleMessage("manager", "cli").replace(/--role (\w+) --(store|group) <\w+>/g, '"role": "$1", "$2": <$2>');
    expect(unknownRoleMessage("manager", "api")).toBe(cli.replace("'manager'", '"manager"').replace("viewer, staff, merchandiser, admin", '"viewer", "staff", "merchandiser", "admin"'));
  });

  it("names the role meant when only its case or spaces are wrong", () => {
    expect(unknownRoleMessage("Viewer")).toBe("no role 'Viewer': the roles are viewer, staff, merchandiser, admin, in lower case: --role viewer");
    expect(unknownRoleMessage(" Admin", "api")).toBe('no role " Admin": the roles are "viewer", "staff", "merchandiser", "admin", in lower case: "role": "admin"');
  });

  it("for any value that is not a role: names every role, shows the value at most 40 characters long, and points to one role at most when it is one in another case", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...ROLES).map((r) => ` ${r.toUpperCase()}`), fc.string({ minLength: 41, maxLength: 300 })), fc.constantFrom("cli" as const, "api" as const), (value, say) => {
        fc.pre(!isRole(value));
        const m = unknownRoleMessage(value, say);
        for (const r of ROLES) expect(m).toContain(r);
        const shown = say === "api" ? (JSON.parse(m.slice("no role ".length, m.indexOf(": the roles")) as string)) : m.slice("no role '".length, m.indexOf("': the roles"));
        const chars = [...value];
        expect(shown).toBe(chars.length > 40 ? `${chars.slice(0, 40).join("")}…` : value);
        const meant = value.trim().toLowerCase();
        if (isRole(meant)) expect(m.endsWith(say === "cli" ? `in lower case: --role ${meant}` : `in lower case: "role": "${meant}"`)).toBe(true);
        else expect(m).toContain("A store manager gets");
      }),
    );
  });
});
