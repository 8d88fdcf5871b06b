/**
 * What `footfall serve` says in its JSON log about its own start and stop, as IT's log shipping reads it: a setting
 * of a chain's server given to a server alone is named once at start (it used to be ignored without a word), and
 * SIGTERM ends with a "footfall server stopped" line saying how long the stop took and what it finished (the
 * "SIGTERM: shutting down..." that starts the stop is a line of the same JSON log, not plain text among them). A real
 * child process of the built CLI on SQLite.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ServerProcess } from "../support/server-process.js";

let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.dispose();
});

describe("footfall serve's log at start and stop", () => {
  it("warns once of chain-only and PostgreSQL-only settings it ignores, and logs a JSON 'stopped' line after SIGTERM", async () => {
    server = await ServerProcess.start({ env: { FOOTFALL_LOG_LEVEL: "info", FOOTFALL_CHAIN_STALL_S: "1", FOOTFALL_SHARDS: "8", FOOTFALL_PG_HTTP_POOL: "2" } });
    const warned = server.logLines(/only to a chain's server/);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({
      level: 40,
      variables: ["FOOTFALL_SHARDS", "FOOTFALL_CHAIN_STALL_S", "FOOTFALL_PG_HTTP_POOL"],
      msg: `FOOTFALL_SHARDS, FOOTFALL_CHAIN_STALL_S apply only to a chain's server (FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL both set); FOOTFALL_PG_HTTP_POOL applies only with PostgreSQL (FOOTFALL_DATABASE_URL): this server (SQLite in ${server.dataDir}, the embedded broker) ignores them`,
    });
    await server.stop();
    expect(server.exit).toMatchObject({ code: 0 });
    expect(server.output()).toContain("SIGTERM: shutting down...");
    // A JSON line of the log like the others (old: plain text on stderr, which log shipping could not parse).
    expect(server.logLines(/shutting down/)).toEqual([expect.objectContaining({ level: 30, service: "footfall", signal: "SIGTERM", msg: "SIGTERM: shutting down... (SIGTERM again stops at once)" })]);
    expect(server.output().split("\n").filter((l) => l.includes("shutting down") && !l.startsWith("{"))).toEqual([]);
    const stopped = server.logLines(/^footfall server stopped$/);
    expect(stopped).toHaveLength(1);
    // The line names the signal that stopped it: IT's log shipping tells a deploy's SIGTERM from a Ctrl-C.
    expect(stopped[0]).toMatchObject({ level: 30, service: "footfall", signal: "SIGTERM", stoppedInMs: expect.any(Number), flushed: { messages: 0, events: 0, webhookAttempts: 0 } });
  });

  it("names SIGINT (Ctrl-C at a terminal) in the 'stopped' line when that stopped it", async () => {
    await server!.restart();
    await server!.stop("SIGINT");
    expect(server!.exit).toMatchObject({ code: 0 });
    expect(server!.output()).toContain("SIGINT: shutting down...");
    expect(server!.logLines(/shutting down/).at(-1)).toMatchObject({ level: 30, signal: "SIGINT" });
    expect(server!.logLines(/^footfall server stopped$/).at(-1)).toMatchObject({ signal: "SIGINT", flushed: { messages: 0, events: 0, webhookAttempts: 0 } });
  });
});
