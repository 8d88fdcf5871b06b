/**
 * `footfall token label <id> <label>` on a data folder (the built CLI, a real SQLite file): the
 * token is renamed in `token list`, keeps working, and the audit log says from what to what;
 * an unknown id is refused with where the ids are, exit 1.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { footfall, footfallJson, tempDir } from "../support/index.js";

const dir = tempDir("footfall-token-label-");
afterAll(() => dir.remove());

interface Listed {
  id: string;
  label: string | null;
  role: string;
  store: string | null;
  state: string;
}

describe("footfall token label", () => {
  it("renames a token: listed with its new label, its role and state kept, the change in the audit log", async () => {
    const made = await footfallJson<Listed & { token: string }>(["token", "add", "--role", "viewer", "--label", "Anna's laptop", "--expires", "30d"], { dataDir: dir.path });
    const renamed = await footfallJson<Listed>(["token", "label", made.id, "Front tablet"], { dataDir: dir.path });
    expect(renamed).toMatchObject({ id: made.id, label: "Front tablet", role: "viewer", state: "active" });
    expect(JSON.stringify(renamed)).not.toContain(made.token);
    const list = await footfallJson<{ tokens: Listed[] }>(["token", "list", "--json"], { dataDir: dir.path });
    expect(list.tokens.find((x) => x.id === made.id)).toMatchObject({ label: "Front tablet", state: "active" });
    expect((await footfall(["token", "list"], { dataDir: dir.path })).stdout).toMatch(new RegExp(`${made.id} +viewer .*Front tablet`));
    const db = new Database(join(dir.path, "footfall.db"), { readonly: true });
    try {
      const row = db.prepare("SELECT actor_label, target, details FROM audit_log WHERE action = 'token.label'").get() as { actor_label: string; target: string; details: string };
      expect({ ...row, details: JSON.parse(row.details) }).toEqual({ actor_label: "cli", target: made.id, details: { from: "Anna's laptop", to: "Front tablet" } });
    } finally {
      db.close();
    }
    expect((await footfallJson<Listed>(["token", "label", made.id, ""], { dataDir: dir.path })).label).toBeNull();
  });

  it("refuses an unknown id, saying where the ids are", async () => {
    const r = await footfall(["token", "label", "0123456789ab", "x"], { dataDir: dir.path });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no token with id "0123456789ab": `footfall token list` shows the ids/);
  });
});
