import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "./log.js";
import { startServer, type RunningServer } from "./server.js";
import { tempDir } from "../../test/support/wait.js";
import { localServerConfig } from "../../test/support/in-process.js";

/**
 * A server asked to stop (SIGTERM from systemd, `docker stop`) must stop within the grace its supervisor gives it
 * (docker's is 10 s) even when a client holds a connection open: an upload answered before its body was read
 * (401 without a token) left Node's HTTP server waiting out the 72 s keep-alive for the rest of the body.
 */
describe("stopping the server with a client's upload unfinished", () => {
  const dirs: { remove(): void }[] = [];
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const d of dirs.splice(0)) d.remove();
  });

  it("answers the upload, then stops within the HTTP grace and closes that client's connection", async () => {
    const dir = tempDir("footfall-shutdown-");
    dirs.push(dir);
    const server: RunningServer = await startServer(
      localServerConfig(dir.path),
      { log: createLogger("silent"), uiDir: null },
    );
    const url = new URL(server.httpUrl);
    const socket = connect(Number(url.port), url.hostname);
    sockets.push(socket);
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // An anonymous 2 MB upload of which only the first 64 KiB is sent: the server refuses it before reading the rest.
    socket.write("POST /api/v1/stores/demo/sales HTTP/1.1\r\nHost: footfall\r\nContent-Type: text/csv\r\nContent-Length: 2000000\r\n\r\n");
    socket.write(Buffer.alloc(64 * 1024, "a"));
    for (let i = 0; i < 100 && !answer.includes("\r\n\r\n"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);

    const started = Date.now();
    await server.close();
    const took = Date.now() - started;
    await closed;
    // The grace is 5 s; before, close() waited out the keep-alive (about 70 s, past this test's timeout).
    expect(took).toBeLessThan(9_000);
  }, 30_000);
});
