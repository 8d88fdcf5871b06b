import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/wait.js";
import { verifyPassword } from "./auth/secrets.js";
import { BROKER_USERS_FILE, bridgeAcl, keptUsers, mosquittoFiles, readPasswdHashes, resolveUsers } from "./broker-files.js";
import { openSqliteStorage } from "./storage/sqlite.js";

const dir = tempDir("footfall-broker-files-");
afterAll(() => dir.remove());

describe("broker users beside the agents and the server (footfall broker-config --bridge, --home-assistant)", () => {
  it("writes a bridge user per site with only its stores' agent topics, and a read-only Home Assistant user", async () => {
    const storage = openSqliteStorage(join(dir.path, "a"));
    try {
      await storage.agents.add("paris-01", "door-1", "door", Date.now());
      const { users, passwords } = resolveUsers({ homeAssistant: { username: "ha" }, bridges: [{ site: "paris", stores: ["paris-01", "paris-02"] }] }, new Map());
      expect(Object.keys(passwords).sort()).toEqual(["ha", "site-paris"]);
      const files = await mosquittoFiles(storage, { username: "footfall-server", password: "s" }, users);
      const hashes = new Map(files.passwd.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
      expect(verifyPassword(passwords["site-paris"]!, hashes.get("site-paris")!)).toBe(true);
      expect(verifyPassword(passwords.ha!, hashes.get("ha")!)).toBe(true);
      const block = (user: string) => {
        const lines = files.acl.split("\n");
        const i = lines.indexOf(`user ${user}`);
        const end = lines.indexOf("", i);
        return lines.slice(i, end);
      };
      expect(block("site-paris")).toEqual(bridgeAcl("site-paris", ["paris-01", "paris-02"]));
      expect(block("site-paris")).toContain("topic write footfall/v1/paris-02/agents/+/events");
      expect(block("site-paris")).toContain("topic read footfall/v1/paris-01/layout");
      const ha = block("ha");
      expect(ha.every((l) => l.startsWith("user ") || l.startsWith("topic read "))).toBe(true);
      expect(ha).toEqual(
        expect.arrayContaining(["topic read homeassistant/#", "topic read footfall/v1/+/occupancy", "topic read footfall/v1/availability", "topic read footfall/v1/availability/+"]),
      );
      // Home Assistant reads no agent topic and no layout.
      expect(ha.some((l) => /agents|layout/.test(l))).toBe(false);
    } finally {
      await storage.close();
    }
  });

  it("keeps the hashes of users it wrote before (no new password), and an API rewrite keeps only users whose hash is there", () => {
    const first = resolveUsers({ bridges: [{ site: "s1", stores: ["s1"] }] }, new Map());
    const hash = first.users.bridges![0]!.hash;
    const again = resolveUsers({ bridges: [{ site: "s1", stores: ["s1", "s2"] }] }, new Map([["site-s1", hash]]));
    expect(again.passwords).toEqual({});
    expect(again.users.bridges).toEqual([{ site: "s1", username: "site-s1", stores: ["s1", "s2"], hash }]);

    // What the admin API's rewrite (broker-sync) reads: broker-users.json and the password file beside it.
    const passwd = join(dir.path, "passwd");
    writeFileSync(passwd, `footfall-server:$7$x\nsite-s1:${hash}\n`);
    writeFileSync(join(dir.path, BROKER_USERS_FILE), JSON.stringify({ homeAssistant: { username: "ha" }, bridges: [{ site: "s1", stores: ["s1"] }, { site: "s9", stores: ["s9"] }] }));
    expect(readPasswdHashes(passwd).get("site-s1")).toBe(hash);
    const kept = keptUsers(passwd);
    expect(kept.bridges).toEqual([{ site: "s1", username: "site-s1", stores: ["s1"], hash }]);
    expect(kept.homeAssistant).toBeNull();
  });

  it("refuses a broken broker-users.json, saying which file", () => {
    const d = join(dir.path, "broken");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, BROKER_USERS_FILE), "{nope");
    writeFileSync(join(d, "passwd"), "");
    expect(() => keptUsers(join(d, "passwd"))).toThrow(/broker-users\.json is not valid JSON/);
    writeFileSync(join(d, BROKER_USERS_FILE), JSON.stringify({ bridges: [{ site: "Bad Site", stores: [] }] }));
    expect(() => keptUsers(join(d, "passwd"))).toThrow(/needs a site id and store ids/);
  });
});
