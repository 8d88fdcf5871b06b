/**
 * The links of `footfall digest preview|send` on PostgreSQL: the built CLI run as a child process with
 * FOOTFALL_DATABASE_URL (Debian's PostgreSQL in a temporary folder) and without FOOTFALL_PUBLIC_URL nor FOOTFALL_HTTP_PORT
 * (IT running it from a shell on another host than the servers'), beside servers running in this process on the same
 * database with their own FOOTFALL_PUBLIC_URL. Its links are the servers' (the address each notes in the database,
 * migration 30), said nothing of; servers that link to different addresses: one of them, and stderr says which and what
 * to set; none running (stopped, or one killed whose note is old): the guess, and stderr says why.
 */
import type { ParsedMail } from "mailparser";
import { hostname } from "node:os";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { footfall } from "../../../test/support/cli.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { startSmtpSink } from "../../../test/support/smtp-sink.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The address users open the UI at, behind the chain's proxy: the servers' FOOTFALL_PUBLIC_URL. */
const PUBLIC = "https://footfall.example.com/ui/";
const OTHER = "https://footfall-eu.example.com/";
const pg_ = usePostgres();
const saved = { url: process.env.FOOTFALL_PUBLIC_URL, port: process.env.FOOTFALL_HTTP_PORT };
let url: string;
let t: TestServer;
let second: TestServer | null = null;
let closed = false;
let id: string;

/**
 * Starts another server on the database, noting `publicUrl` (its FOOTFALL_PUBLIC_URL when it starts; this process's is then
 * PUBLIC again, which the first server's digests read at each compose).
 */
async function serverLinkingTo(publicUrl: string): Promise<TestServer> {
  process.env.FOOTFALL_PUBLIC_URL = publicUrl;
  try {
    return await startTestServer({ maxAgeMs: 30 * DAY, config: { databaseUrl: url } });
  } finally {
    process.env.FOOTFALL_PUBLIC_URL = PUBLIC;
  }
}

beforeAll(async () => {
  delete process.env.FOOTFALL_HTTP_PORT;
  process.env.FOOTFALL_PUBLIC_URL = PUBLIC;
  url = pg_.database("footfall_digest_links");
  t = await startTestServer({ maxAgeMs: 30 * DAY, config: { databaseUrl: url } });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const door = new EventFactory("door-1");
  const now = Date.now();
  await t.ingest("shop", "door-1", [door.count("checkout", now - 10 * DAY, 1, 0), door.count("entrance", now - 2 * DAY, 12, 0), door.count("entrance", now - DAY - 2 * HOUR, 30, 0)]);
  const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  id = d.body.id as string;
}, 180_000);
afterAll(async () => {
  await second?.close();
  if (!closed) await t?.close();
  for (const [key, value] of [
    ["FOOTFALL_PUBLIC_URL", saved.url],
    ["FOOTFALL_HTTP_PORT", saved.port],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** The CLI as IT runs it from a shell: the database's URL, neither FOOTFALL_PUBLIC_URL nor FOOTFALL_HTTP_PORT. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  footfall(["digest", ...args], { dataDir: t.dataDir, env: { FOOTFALL_DATABASE_URL: url, FOOTFALL_PUBLIC_URL: undefined, FOOTFALL_HTTP_PORT: undefined, FOOTFALL_SMTP_URL: "", ...env }, timeoutMs: 60_000 });
const linksOf = (text: string) => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);

describe("footfall digest's links on PostgreSQL", () => {
  it("beside the running servers, preview and send link where the servers' own digests do, and say nothing of it", async () => {
    const server = await t.request("GET", `/api/v1/digests/${id}/preview`);
    expect(server.status).toBe(200);
    const serverLinks = linksOf(server.body.text as string);
    expect(serverLinks.length).toBeGreaterThan(0);
    expect(serverLinks.every((l) => l.startsWith(`${PUBLIC}#/`))).toBe(true);
    const preview = await cli(["preview", id, "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stderr).toBe("");
    const p = JSON.parse(preview.stdout) as { text: string };
    expect(linksOf(p.text)).toEqual(serverLinks);
    expect(p.text).toBe(server.body.text);
    // send: the mail it sends links there too, and its stderr has no word of its links.
    const mails: ParsedMail[] = [];
    const smtp = await startSmtpSink((m) => mails.push(m));
    try {
      const sent = await cli(["send", id], { FOOTFALL_SMTP_URL: smtp.url, FOOTFALL_MAIL_FROM: "Footfall <reports@shop.example>" });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stderr).toBe("");
      expect(mails).toHaveLength(1);
      expect(linksOf(mails[0]!.text ?? "")).toEqual(serverLinks);
      expect(mails[0]!.html).toContain(`href="${PUBLIC}#/report/shop?`);
    } finally {
      await smtp.close();
    }
  });

  it("servers linking to different addresses: one of them, and stderr names them all and what to set", async () => {
    second = await serverLinkingTo(OTHER);
    const preview = await cli(["preview", id]);
    expect(preview.code, preview.stderr).toBe(0);
    // Sorted: the first of the two.
    expect(preview.stdout).toContain(`${OTHER}#/report/shop?`);
    expect(preview.stderr).toBe(
      `footfall: links use ${OTHER}, one of the addresses the servers running on this database link to (${OTHER}, ${PUBLIC}: they differ, each its own FOOTFALL_PUBLIC_URL or host name): set FOOTFALL_PUBLIC_URL to the address users open the UI at\n`,
    );
    // FOOTFALL_PUBLIC_URL set: its links, and no word of them.
    const set = await cli(["preview", id], { FOOTFALL_PUBLIC_URL: PUBLIC });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`${PUBLIC}#/report/shop?`);
    expect(set.stderr).toBe("");
    // Stopped, a server's note goes with it.
    await second.close();
    second = null;
    const one = await cli(["preview", id]);
    expect(one.stdout).toContain(`${PUBLIC}#/report/shop?`);
    expect(one.stderr).toBe("");
  });

  it("no server running (stopped; one killed long ago left its note): the links are a guess, and stderr says why and what to set", async () => {
    await t.close();
    closed = true;
    // A server killed two minutes ago (kill -9: no stop to remove its note) linked elsewhere: its note is not read.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query("INSERT INTO server_addresses (server, public_url, seen_at) VALUES ('killed-1', 'https://old.example.com/', clock_timestamp() - interval '2 minutes')");
    } finally {
      await db.end();
    }
    const preview = await cli(["preview", id]);
    expect(preview.code, preview.stderr).toBe(0);
    const guess = `http://${hostname()}:8080/`;
    expect(preview.stdout).toContain(`${guess}#/report/shop?`);
    expect(preview.stderr).toBe(
      `footfall: links use ${guess} (this host's name and the default port 8080; no server running on this PostgreSQL database noted its address in the last 90 s): set FOOTFALL_PUBLIC_URL to the address users open the UI at\n`,
    );
  });
});
