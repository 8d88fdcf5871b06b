/**
 * The frame stream against Debian's real ffprobe and ffmpeg, on inputs a store's camera really
 * gives: one that takes the connection and never sends a byte (a hung camera or encoder), and an
 * IP camera with its login in the URL that does not answer.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger, type LogFields, type Logger } from "../../log.js";
import { FrameStream, hideInputSecret } from "./ffmpeg.js";

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

describe("FrameStream on an RTSP camera with its login in the URL", () => {
  it("never logs the camera's password, from ffprobe's errors or ffmpeg's, only user:***@", async () => {
    // Ports 19711-19712 (this suite's range) with nothing listening: a camera switched off.
    // Before, each restart logged rtsp://admin:Cam-Secret-42@... three times (input, the message, ffmpeg's stderr).
    for (const [port, size] of [
      [19711, {}], // the frame size asked of ffprobe
      [19712, { width: 320, height: 240 }], // ffmpeg started at once
    ] as const) {
      const input = `rtsp://admin:Cam-Secret-42@127.0.0.1:${port}/stream1`;
      const logged: string[] = [];
      let dropped!: () => void;
      const twice = new Promise<void>((resolve) => (dropped = resolve));
      const log: Logger = {
        ...silentLogger,
        info: ((fields: LogFields, message: string) => void logged.push(`${message} ${JSON.stringify(fields)}`)) as Logger["info"],
        warn: ((fields: LogFields, message: string) => {
          logged.push(`${message} ${JSON.stringify(fields)}`);
          if (logged.filter((l) => l.startsWith("video stream dropped")).length === 2) dropped();
        }) as Logger["warn"],
        child: () => log,
      };
      const ac = new AbortController();
      const stream = new FrameStream({
        input,
        ...size,
        fps: 10,
        realtime: true,
        loop: false,
        ffmpeg: "ffmpeg",
        ffprobe: "ffprobe",
        stallTimeoutMs: 2000,
        restartMinMs: 20,
        restartMaxMs: 40,
        log,
        signal: ac.signal,
        onFrame: () => undefined,
      });
      const running = stream.run();
      await twice;
      ac.abort();
      await running;
      const all = [...logged, stream.stats.lastError ?? ""].join("\n");
      expect(all).toContain(`rtsp://admin:***@127.0.0.1:${port}/stream1`);
      expect(all).toMatch(/Connection refused/); // ffmpeg's own words are kept, less the password
      expect(all).not.toContain("Cam-Secret-42");
    }
  }, 60_000);

  it("writes the password of any URL form ffmpeg repeats as ***, and leaves other inputs alone", () => {
    const input = "rtsp://admin:p%40ss@10.0.0.5:554/Streaming/Channels/101";
    expect(hideInputSecret(`${input}: 401 Unauthorized; tried admin:p%40ss@10.0.0.5`, input)).toBe(
      "rtsp://admin:***@10.0.0.5:554/Streaming/Channels/101: 401 Unauthorized; tried admin:***@10.0.0.5",
    );
    expect(hideInputSecret("/dev/video0: No such device", "/dev/video0")).toBe("/dev/video0: No such device");
    expect(hideInputSecret("rtsp://10.0.0.5/s: refused", "rtsp://10.0.0.5/s")).toBe("rtsp://10.0.0.5/s: refused");
  });
});
