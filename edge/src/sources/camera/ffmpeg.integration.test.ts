/**
 * The frame stream against Debian's real ffprobe and ffmpeg, on inputs a store's camera really
 * gives: one that takes the connection and never sends a byte (a hung camera or encoder).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger, type LogFields, type Logger } from "../../log.js";
import { FrameStream } from "./ffmpeg.js";

describe("FrameStream on a camera that sends nothing", () => {
  let server: Server | null = null;
  const ac = new AbortController();
  afterEach(async () => {
    ac.abort();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("gives up probing it after the stall timeout and tries again, saying what to check", async () => {
    // The HTTP answer starts and no video ever follows: ffprobe alone would wait for good.
    let requests = 0;
    let secondRequest!: () => void;
    const retried = new Promise<void>((resolve) => (secondRequest = resolve));
    server = createServer((_req, res) => {
      if (++requests === 2) secondRequest();
      res.writeHead(200, { "content-type": "video/mp2t" });
      res.flushHeaders();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cam.ts`;
    const warnings: { message: string; fields: LogFields }[] = [];
    const log: Logger = {
      ...silentLogger,
      warn: ((fields: LogFields, message: string) => void warnings.push({ message, fields })) as Logger["warn"],
      child: () => log,
    };
    const stream = new FrameStream({
      input: url,
      fps: 10,
      realtime: true,
      loop: false,
      ffmpeg: "ffmpeg",
      ffprobe: "ffprobe",
      stallTimeoutMs: 500,
      restartMinMs: 50,
      restartMaxMs: 100,
      log,
      signal: ac.signal,
      onFrame: () => undefined,
    });
    const running = stream.run();
    await retried; // the hang guard: the old probe never came back, so there was no second try
    expect(warnings[0]?.message).toBe("video stream dropped; restarting");
    expect(warnings[0]?.fields.reason).toBe(
      `ffprobe got no video from ${url} within 10000 ms (settings.stallTimeoutMs, 10 s at least): is the camera on and sending video? (check the URL, or open it with \`ffprobe ${url}\`)`,
    );
    expect(stream.stats.restarts).toBeGreaterThanOrEqual(1);
    ac.abort();
    await running;
    expect(stream.stats.state).toBe("stopped");
  }, 60_000);
});
