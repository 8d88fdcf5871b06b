/**
 * A stream URL's input list (a 0600 file in a private temp dir, read by ffmpeg and ffprobe instead of the URL in their
 * command line) is written again when it has gone while the camera ran: a temp-dir cleaner (systemd-tmpfiles ages
 * /tmp) removes it from under a camera that ran for weeks, and its next restart must not fail for good. Debian's real
 * ffprobe and ffmpeg, opencv-doc's vtest.avi served over HTTP.
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../log.js";
import { FrameStream } from "./ffmpeg.js";

const VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const PORT = 19726;

describe("FrameStream's input list", () => {
  let server: Server | null = null;
  const ac = new AbortController();
  afterEach(async () => {
    ac.abort();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("is written again at the next run when it has gone meanwhile, and frames come again", async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "video/x-msvideo", "content-length": statSync(VIDEO).size });
      createReadStream(VIDEO).pipe(res);
    });
    await new Promise<void>((resolve) => server!.listen(PORT, "127.0.0.1", resolve));
    const lists: string[] = [];
    let frames = 0;
    const stream = new FrameStream({
      input: `http://cam:pw@127.0.0.1:${PORT}/vtest.avi`,
      fps: 10,
      realtime: true,
      loop: false,
      ffmpeg: "ffmpeg",
      ffprobe: "ffprobe",
      stallTimeoutMs: 20_000,
      restartMinMs: 50,
      restartMaxMs: 100,
      log: silentLogger,
      signal: ac.signal,
      onStart: () => {
        const argv = readFileSync(`/proc/${stream.stats.pid}/cmdline`, "utf8").split("\0");
        lists.push(argv[argv.indexOf("-i") + 1]!);
      },
      onFrame: () => void frames++,
    });
    const running = stream.run();
    await expect.poll(() => frames, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    // The cleaner takes the list's directory; then the run ends (a camera's reboot, a dropped link).
    await rm(dirname(lists[0]!), { recursive: true, force: true });
    stream.kill();
    await expect.poll(() => stream.stats.runs, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const before = frames;
    await expect.poll(() => frames - before, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    expect(lists.length).toBeGreaterThanOrEqual(2);
    const last = lists[lists.length - 1]!;
    expect(statSync(last).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(last)).mode & 0o777).toBe(0o700);
    ac.abort();
    await running;
    expect(existsSync(dirname(last))).toBe(false);
  }, 120_000);
});
