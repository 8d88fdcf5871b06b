/**
 * A camera's password is not in ffmpeg's or ffprobe's command line, which `ps` shows every local user: a camera URL
 * with its login (`http://cam:...@host/...`, as IP cameras take it) goes to them in a 0600 file of a private temp
 * directory, removed at the end. Debian's real ffprobe and ffmpeg, opencv-doc's vtest.avi served over HTTP behind
 * basic auth; each child's /proc/<pid>/cmdline is read while it runs.
 */
import { readdirSync, readFileSync, statSync, existsSync, createReadStream } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger, type LogFields, type Logger } from "../../log.js";
import { FrameStream } from "./ffmpeg.js";

const VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const PORT = 19610;
const USER = "cam";
const PASSWORD = "Pa55-w0rd-secret";

/** The command lines of this process's children now (ffprobe or ffmpeg while they run). */
function children(): string[][] {
  const out: string[][] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid) out.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

describe("FrameStream on a camera URL with its login", () => {
  let server: Server | null = null;
  let ac = new AbortController();
  beforeEach(() => {
    ac = new AbortController();
  });
  afterEach(async () => {
    ac.abort();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** vtest.avi behind basic auth; the first request is answered once `onFirst` has looked at who asked (ffprobe, alive). */
  async function camera(onFirst: () => void): Promise<{ authorized: () => number }> {
    let requests = 0;
    let authorized = 0;
    server = createServer((req, res) => {
      if (++requests === 1) onFirst();
      if (req.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="camera"' });
        return res.end();
      }
      authorized++;
      res.writeHead(200, { "content-type": "video/x-msvideo", "content-length": statSync(VIDEO).size });
      createReadStream(VIDEO).pipe(res);
    });
    await new Promise<void>((resolve) => server!.listen(PORT, "127.0.0.1", resolve));
    return { authorized: () => authorized };
  }

  it("keeps the password out of ffprobe's and ffmpeg's command lines, frames still arrive, and the list file is removed", async () => {
    let probeArgv: string[][] = [];
    const cam = await camera(() => (probeArgv = children()));
    let ffmpegArgv: string[] = [];
    let listMode = 0;
    let dirMode = 0;
    let frames = 0;
    let width = 0;
    const stream = new FrameStream({
      input: `http://${USER}:${PASSWORD}@127.0.0.1:${PORT}/vtest.avi`,
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
      onFrame: (f) => {
        if (frames++ === 0) {
          // ffmpeg waits on this frame (backpressure): it runs.
          ffmpegArgv = readFileSync(`/proc/${stream.stats.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
          width = f.width;
          const list = ffmpegArgv[ffmpegArgv.indexOf("-i") + 1]!;
          if (existsSync(list)) {
            listMode = statSync(list).mode & 0o777;
            dirMode = statSync(dirname(list)).mode & 0o777;
          }
        }
        if (frames === 20) ac.abort();
      },
    });
    await stream.run();
    const probe = probeArgv.find((a) => a[0] === "ffprobe");
    expect(probe, JSON.stringify(probeArgv)).toBeDefined();
    expect(ffmpegArgv[0]).toBe("ffmpeg");
    for (const argv of [probe!, ffmpegArgv]) {
      expect(argv.join(" ")).not.toContain(PASSWORD);
      expect(argv.join(" ")).not.toContain("127.0.0.1");
    }
    expect(frames).toBeGreaterThanOrEqual(20);
    expect(width).toBe(768);
    expect(cam.authorized()).toBeGreaterThanOrEqual(2);
    const list = ffmpegArgv[ffmpegArgv.indexOf("-i") + 1]!;
    expect(probe![probe!.indexOf("-i") + 1]).toBe(list);
    expect([listMode, dirMode]).toEqual([0o600, 0o700]);
    expect(existsSync(dirname(list))).toBe(false);
  });

  it("says a refused login without the password", async () => {
    await camera(() => undefined);
    const warnings: LogFields[] = [];
    const log: Logger = {
      ...silentLogger,
      warn: ((fields: LogFields, message: string) => void warnings.push({ ...fields, message })) as Logger["warn"],
      child: () => log,
    };
    const wrong = "not-the-Pa55";
    const stream = new FrameStream({
      input: `http://${USER}:${wrong}@127.0.0.1:${PORT}/vtest.avi`,
      fps: 10,
      realtime: true,
      loop: false,
      ffmpeg: "ffmpeg",
      ffprobe: "ffprobe",
      stallTimeoutMs: 5_000,
      restartMinMs: 50,
      restartMaxMs: 100,
      log,
      signal: ac.signal,
      onFrame: () => undefined,
    });
    const running = stream.run();
    await expect.poll(() => warnings.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    ac.abort();
    await running;
    const said = JSON.stringify(warnings);
    expect(said).toContain(`http://${USER}:***@127.0.0.1:${PORT}/vtest.avi`);
    expect(said).toContain("401");
    expect(said).not.toContain(wrong);
  });
});
