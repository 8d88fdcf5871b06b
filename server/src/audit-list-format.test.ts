import { describe, expect, it } from "vitest";
import { auditTable, whoOf } from "./audit-list-format.js";
import type { AuditEntry, TokenInfo } from "./storage/types.js";
import { tokenTable } from "./token-list-format.js";

const entry = (id: number, action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  ts: Date.UTC(2026, 11, 5, 9, 30, id),
  actor: { tokenId: null, role: null, label: "cli" },
  action,
  target: null,
  store: null,
  details: null,
  ...extra,
});
const table = (entries: AuditEntry[], next: number | null = null, o: { filters?: string[]; before?: number } = {}) =>
  auditTable({ entries, next }, { timeZone: "Europe/Berlin", filters: o.filters ?? [], ...(o.before !== undefined ? { before: o.before } : {}) });

describe("auditTable", () => {
  it("shows each entry on one line, in the shell's time zone, with the Audit page's who", () => {
    const lines = table([
      entry(2, "token.label", { actor: { tokenId: "3f2a9c01b2d4", role: "admin", label: "Anna" }, target: "0123456789ab", store: "paris-01", details: { from: null, to: "Front" } }),
      entry(1, "agent.add", { target: "paris-01/door-1", store: "paris-01", details: { kind: "door" } }),
    ]).split("\n");
    expect(lines[0]).toMatch(/^ID +WHEN \(Europe\/Berlin\) +WHO +WHAT +ON +STORE +DETAILS$/);
    expect(lines[1]).toMatch(/^2 +2026-12-05 10:30:02 +Anna \(admin, 3f2a9c01b2d4\) +token\.label +0123456789ab +paris-01 +\{"from":null,"to":"Front"\}$/);
    expect(lines[2]).toMatch(/^1 +2026-12-05 10:30:01 +cli +agent\.add +paris-01\/door-1 +paris-01 +\{"kind":"door"\}$/);
    expect(lines.slice(3)).toEqual([""]);
  });
  it("writes a label's control characters out, so a label can neither drive the terminal nor pass for another row", () => {
    const out = table([entry(1, "token.create", { actor: { tokenId: "3f2a9c01b2d4", role: "admin", label: "IT\u001b]0;pwned\u0007\n9  2026-12-05  cli  token.revoke" } })]);
    expect(out.split("\n")).toHaveLength(3);
    expect(out).toContain("IT\\x1b]0;pwned\\x07\\n9  2026-12-05  cli  token.revoke (admin, 3f2a9c01b2d4)");
  });
  it("says how to read older entries when there are more", () => {
    expect(table([entry(9, "layout.save")], 9)).toMatch(/\n\nolder entries: the same command with --before 9\n$/);
  });
  it("says why a page is empty: nothing yet, nothing that matches, nothing older", () => {
    expect(table([])).toMatch(/^no audit entries yet: admin actions .* are recorded as they are done\n$/);
    expect(table([], null, { filters: ["--store paris-01", "--action token."] })).toBe("no audit entries that match --store paris-01 --action token.\n");
    expect(table([], null, { filters: ["--action token."], before: 4 })).toBe("no audit entries older than entry 4 that match --action token.\n");
  });
  it("names who did it as the Audit page does: a token's label, role and id; a token with no label; the server", () => {
    expect(whoOf({ tokenId: "3f2a9c01b2d4", role: "staff", label: null })).toBe("token (staff, 3f2a9c01b2d4)");
    expect(whoOf({ tokenId: null, role: null, label: null })).toBe("server");
  });
});

describe("tokenTable", () => {
  const token = (id: string, label: string | null): TokenInfo => ({ id, role: "viewer", store: "paris-01", group: null, label, createdAt: Date.UTC(2026, 11, 1), expiresAt: null, revokedAt: null, lastUsedAt: null });
  it("keeps each token on one line, a label's ESC sequence and newline written out", () => {
    const lines = tokenTable([token("0123456789ab", "Till 1\u001b[2J\nffffffffffff  admin"), token("ba9876543210", "Till 2")], Date.UTC(2026, 11, 6)).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^0123456789ab +viewer +paris-01 +active +2026-12-01 00:00 +- +- +Till 1\\x1b\[2J\\nffffffffffff {2}admin$/);
    expect(lines[2]).toMatch(/ Till 2$/);
  });
});
