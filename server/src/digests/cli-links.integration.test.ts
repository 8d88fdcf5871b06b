/**
 * The links of `footfall digest preview|send`, the built CLI run as a child process on the data folder (a real SQLite
 * file) of a server running in this process, without FOOTFALL_PUBLIC_URL nor FOOTFALL_HTTP_PORT in the CLI's
 * environment (IT running it from a shell): they are the running server's own (the address it recorded when it
 * claimed the folder), not this host's port 8080; with no server running, the CLI says on stderr that its links
 * are a guess and what to set.
 */
import type { ParsedMail } from "mailparser";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { footfall } from "../../../test/support/cli.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { startSmtpSink } from "../../../test/support/smtp-sink.js";
import { tempDir } from "../../../test/support/wait.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The server's port in its links (helper L's range; nothing listens on it: the test server's own port is 0). */
const PORT = "20101";
const saved = { url: process.env.FOOTFALL_PUBLIC_URL, port: process.env.FOOTFALL_HTTP_PORT };
const dir = tempDir("footfall-digest-links-");
let t: TestServer;
let closed = false;
let id: string;

beforeAll(async () => {
  delete process.env.FOOTFALL_PUBLIC_URL;
  process.env.FOOTFALL_HTTP_PORT = PORT;
  t = await startTestServer({ maxAgeMs: 30 * DAY, dataDir: dir.path });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const door = new EventFactory("door-1");
  const now = Date.now();
  await t.ingest("shop", "door-1", [door.count("checkout", now - 10 * DAY, 1, 0), door.count("entrance", now - 2 * DAY, 12, 0), door.count("entrance", now - DAY - 2 * HOUR, 30, 0)]);
  const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  id = d.body.id as string;
});
afterAll(async () => {
  if (!closed) await t?.close();
  dir.remove();
  for (const [key, value] of [
    ["FOOTFALL_PUBLIC_URL", saved.url],
    ["FOOTFALL_HTTP_PORT", saved.port],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** The CLI as IT runs it from a shell: neither FOOTFALL_PUBLIC_URL nor FOOTFALL_HTTP_PORT set, no mail server. */
const cli = (args: string[]) => footfall(["digest", ...args], { dataDir: t.dataDir, env: { FOOTFALL_PUBLIC_URL: undefined, FOOTFALL_HTTP_PORT: undefined, FOOTFALL_SMTP_URL: "" } });
const linksOf = (text: string) => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);

describe("footfall digest's links", () => {
  it("beside a running server, preview links where the server's own digest does (its port), and says nothing of it", async () => {
    const server = await t.request("GET", `/api/v1/digests/${id}/preview`);
    expect(server.status).toBe(200);
    const serverLinks = linksOf(server.body.text as string);
    expect(serverLinks.length).toBeGreaterThan(0);
    expect(serverLinks.every((l) => l.startsWith(`http://${hostname()}:${PORT}/#/`))).toBe(true);
    const preview = await cli(["preview", id, "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    const p = JSON.parse(preview.stdout) as { text: string; webhookBody?: unknown };
    expect(linksOf(p.text)).toEqual(serverLinks);
    expect(p.text).toBe(server.body.text);
    expect(preview.stderr).not.toMatch(/links use/);
    // send: the mail it sends links there too.
    const mails: ParsedMail[] = [];
    const smtp = await startSmtpSink((m) => mails.push(m));
    try {
      const sent = await footfall(["digest", "send", id], {
        dataDir: t.dataDir,
        env: { FOOTFALL_PUBLIC_URL: undefined, FOOTFALL_HTTP_PORT: undefined, FOOTFALL_SMTP_URL: smtp.url, FOOTFALL_MAIL_FROM: "Footfall <reports@shop.example>" },
      });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stderr).not.toMatch(/links use/);
      expect(mails).toHaveLength(1);
      expect(linksOf(mails[0]!.text ?? "")).toEqual(serverLinks);
      expect(mails[0]!.html).toContain(`href="http://${hostname()}:${PORT}/#/report/shop?`);
    } finally {
      await smtp.close();
    }
  });

  it("with no server running on the folder, the links are a guess and stderr says so and what to set", async () => {
    // The folder stays (the test's own): the server's note of its address goes with it.
    await t.close();
    closed = true;
    const preview = await cli(["preview", id]);
    expect(preview.code, preview.stderr).toBe(0);
    const guess = `http://${hostname()}:8080/`;
    expect(preview.stdout).toContain(`${guess}#/report/shop?`);
    expect(preview.stderr).toContain(`footfall: links use ${guess} (this host's name and the default port 8080; no running server on this data folder says its address): set FOOTFALL_PUBLIC_URL to the address users open the UI at\n`);
    // FOOTFALL_PUBLIC_URL set: its links, and no word of a guess.
    const set = await footfall(["digest", "preview", id], { dataDir: t.dataDir, env: { FOOTFALL_PUBLIC_URL: "https://footfall.example.com/", FOOTFALL_SMTP_URL: "" } });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("https://footfall.example.com/#/report/shop?");
    expect(set.stderr).not.toMatch(/links use/);
  });
});
