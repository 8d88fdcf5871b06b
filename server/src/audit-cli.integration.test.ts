/**
 * `footfall audit list` (the built CLI, a child process) on the database a running server writes, SQLite and
 * PostgreSQL alike: entries made through the API (a token labelled with an ESC sequence and a newline, a renamed one,
 * layouts, an agent) and by the CLI itself; every filter's `--json` equals GET /api/v1/audit's answer for the same
 * query, page after page; the table is one line per entry with what others typed written visibly; the errors say
 * what to do. `footfall token list`'s table writes such a label visibly too, its `--json` exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { footfall } from "../../test/support/cli.js";
import { smallLayout } from "../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../test/support/in-process.js";
import { usePostgres } from "../../test/support/postgres.js";
import { tempDir } from "../../test/support/wait.js";

/** A label meant to drive a terminal: red text and a clear screen, and a second line that reads as a token of its own. */
const HOSTILE = "Front tablet\u001b[31m\u001b[2J\nffffffffffff  admin   (all)  active  2026-12-01 09:00  -  -  IT";
/** A control character a terminal acts on (a newline ends each line of the output; none else belongs in it). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const HOSTILE_SHOWN = "Front tablet\\x1b[31m\\x1b[2J\\nffffffffffff  admin   (all)  active  2026-12-01 09:00  -  -  IT";

interface Page {
  entries: { id: number; action: string; target: string | null; store: string | null; actor: { tokenId: string | null; label: string | null } }[];
  next: number | null;
}

function auditCli(name: string, postgres: boolean) {
  describe(`footfall audit list on ${name}`, () => {
    const pg = postgres ? usePostgres() : null;
    let t: TestServer;
    let env: Record<string, string>;
    let labelled: string;
    const dir = tempDir("footfall-audit-cli-");
    const cli = (args: string[]) => footfall(args, { dataDir: t.dataDir, env });
    const cliPage = async (args: string[]): Promise<Page> => {
      const r = await cli(["audit", "list", "--json", ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Page;
    };
    const apiPage = async (query: string): Promise<Page> => {
      const res = await t.get<Page>(`/api/v1/audit${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      const databaseUrl = pg?.database("audit_cli");
      t = await startTestServer({ dataDir: dir.path, ...(databaseUrl ? { config: { databaseUrl } } : {}) });
      env = { TZ: "UTC", ...(databaseUrl ? { FOOTFALL_DATABASE_URL: databaseUrl } : {}) };
      await t.putLayout("shop-a", smallLayout());
      await t.putLayout("shop-b", smallLayout());
      const made = await t.request<{ id: string }>("POST", "/api/v1/tokens", { role: "viewer", store: "shop-a", label: "Front tablet" });
      expect(made.status, made.text).toBe(200);
      labelled = made.body.id;
      // The API and the CLI refuse such a label now (core names.ts): a label stored before the rule, renamed, then stored again.
      const { tokens } = t.server.services.storage;
      await tokens.relabel(labelled, HOSTILE);
      expect((await t.request("PATCH", `/api/v1/tokens/${labelled}`, { label: "Front tablet" })).status).toBe(200);
      await tokens.relabel(labelled, `${HOSTILE}!`);
      expect((await t.request("POST", "/api/v1/stores/shop-a/agents", { agent: "door-1", kind: "door" })).status).toBe(200);
      await t.putLayout("shop-a", smallLayout());
      const byCli = await cli(["token", "add", "--role", "staff", "--store", "shop-b", "--label", "till 2"]);
      expect(byCli.code, byCli.stderr).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      dir.remove();
    });

    it("lists what the API lists, with every filter, page after page", async () => {
      const all = await cliPage([]);
      expect(all).toEqual(await apiPage(""));
      expect(all.entries.map((e) => e.action)).toEqual(["token.create", "layout.save", "agent.add", "token.label", "token.create", "layout.save", "layout.save"]);
      expect(all.entries[0]!.actor).toEqual({ tokenId: null, role: null, label: "cli" });
      expect(all.next).toBeNull();
      // shop-a's entries two at a time: the pages the API gives, to the last.
      let cliNext: number | null = null;
      let apiNext: number | null = null;
      const seen: number[] = [];
      do {
        const c: Page = await cliPage(["--store", "shop-a", "--limit", "2", ...(cliNext !== null ? ["--before", String(cliNext)] : [])]);
        const a: Page = await apiPage(`?store=shop-a&limit=2${apiNext !== null ? `&before=${apiNext}` : ""}`);
        expect(c).toEqual(a);
        seen.push(...c.entries.map((e) => e.id));
        cliNext = c.next;
        apiNext = a.next;
      } while (cliNext !== null);
      expect(seen).toEqual(all.entries.filter((e) => e.store === "shop-a").map((e) => e.id));
      expect(seen.length).toBe(5);
      const admin = all.entries.find((e) => e.action === "token.label")!.actor.tokenId!;
      const filters: [string[], string][] = [
        [["--action", "token."], "?action=token."],
        [["--action", "layout.save", "--store", "shop-b"], "?action=layout.save&store=shop-b"],
        [["--actor", admin], `?actor=${admin}`],
        [["--target", labelled], `?target=${labelled}`],
      ];
      for (const [args, query] of filters) expect(await cliPage(args), args.join(" ")).toEqual(await apiPage(query));
      // Times as the API reads them: ISO 8601 or epoch ms, from inclusive, to exclusive.
      const ts = (await t.get<{ entries: { ts: number }[] }>("/api/v1/audit")).body.entries.map((e) => e.ts);
      const middle = ts[3]!;
      expect(await cliPage(["--from", new Date(middle).toISOString()])).toEqual(await apiPage(`?from=${middle}`));
      expect(await cliPage(["--to", String(middle)])).toEqual(await apiPage(`?to=${new Date(middle).toISOString()}`));
    });

    it("prints a table of one line per entry, newest first, with what others typed written visibly", async () => {
      const r = await cli(["audit", "list", "--store", "shop-a", "--action", "token."]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(CONTROL);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^ID +WHEN \(UTC\) +WHO +WHAT +ON +STORE +DETAILS$/);
      // The rename, by the API's admin token (no label), then the creation; the labels in the details as JSON writes them (PostgreSQL's jsonb orders the keys its own way).
      expect(lines[1]).toMatch(new RegExp(`^\\d+ +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +token \\(admin, [0-9a-f]{12}\\) +token\\.label +${labelled} +shop-a +\\{.*"from":"Front tablet\\\\u001b\\[31m`));
      expect(lines[2]).toMatch(new RegExp(`token\\.create +${labelled} +shop-a +\\{`));
      const paged = await cli(["audit", "--limit", "1"]);
      expect(paged.stdout).toMatch(/\n\nolder entries: the same command with --before \d+\n$/);
    });

    it("writes a token's label visibly in `token list`, exactly in `token list --json`", async () => {
      const table = await cli(["token", "list"]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).not.toMatch(CONTROL);
      const lines = table.stdout.trimEnd().split("\n");
      // The header and one line per token (the server's admin, the labelled one, the CLI's): no line passes for a token.
      expect(lines).toHaveLength(4);
      expect(lines.find((l) => l.startsWith(labelled))).toMatch(new RegExp(` {2}${HOSTILE_SHOWN.replace(/[\\[\]()]/g, "\\$&")}!$`));
      expect(lines.filter((l) => l.startsWith("ffffffffffff"))).toEqual([]);
      const json = await cli(["token", "list", "--json"]);
      const tokens = (JSON.parse(json.stdout) as { tokens: { id: string; label: string | null }[] }).tokens;
      expect(tokens.find((x) => x.id === labelled)!.label).toBe(`${HOSTILE}!`);
    });

    it("refuses a store there is not, naming the nearest, and bad options in their words", async () => {
      const typo = await cli(["audit", "list", "--store", "shop-c"]);
      expect(typo.code).toBe(1);
      expect(typo.stderr).toMatch(/--store: no store "shop-c" in .*Did you mean "shop-a" or "shop-b"\?.*`footfall audit list` without --store lists every store's entries/);
      const none = await cli(["audit", "list", "--store", "shop-b", "--action", "agent."]);
      expect(none.code, none.stderr).toBe(0);
      expect(none.stdout).toBe("no audit entries that match --store shop-b --action agent.\n");
      for (const [args, words] of [
        [["--limit", "501"], /--limit <n>' argument '501' is invalid\. give a whole number from 1 to 500/],
        [["--before", "0"], /--before <id>' argument '0' is invalid\. give a whole number from 1/],
        [["--from", "yesterday"], /--from <time>' argument 'yesterday' is invalid\. must be ISO 8601/],
        [["--actor", "anna"], /--actor "anna" is not a token id: give the 12 hex digits `footfall token list` shows/],
      ] as const) {
        const r = await cli(["audit", "list", ...args]);
        expect(r.code, args.join(" ")).toBe(1);
        expect(r.stderr).toMatch(words);
      }
    });

    it("refuses a token label holding a control character or a bidi override, as the API does, and changes nothing", async () => {
      const before = (await t.get("/api/v1/tokens")).body;
      const add = await cli(["token", "add", "--role", "viewer", "--label", HOSTILE]);
      expect([add.code, add.stderr]).toEqual([1, "footfall: --label holds U+001B (ESC, a control character): a name is one line of plain text; remove it\n"]);
      const rename = await cli(["token", "label", labelled, "Front \u202etablet"]);
      expect(rename.code).toBe(1);
      expect(rename.stderr).toMatch(/^footfall: the label holds U\+202E \(RIGHT-TO-LEFT OVERRIDE, a bidirectional control\)/);
      expect((await t.get("/api/v1/tokens")).body).toEqual(before);
    });
  });
}

auditCli("SQLite", false);
auditCli("PostgreSQL (FOOTFALL_DATABASE_URL)", true);
