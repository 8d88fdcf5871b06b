/**
 * The camera source on a real RTSP stream over TCP: Debian's ffmpeg pushes opencv-doc's vtest.avi (MJPEG over RTP)
 * to an RTSP server on a socket (ANNOUNCE/RECORD), the way a camera's encoder feeds it, and the real camera source
 * (ffprobe, ffmpeg through its input list, the CenterNet detector, the tracker) reads
 * rtsp://admin:<password>@127.0.0.1:<port>/live as a player (DESCRIBE/SETUP/PLAY) behind Digest auth, as IP cameras
 * ask it. The server refuses RTP over UDP (461), as a camera behind a NAT or a firewall gives nothing over UDP: a
 * reader that does not ask TCP first (the list's `option rtsp_transport tcp` line not read) is seen at its first SETUP.
 * Every process's /proc/<pid>/cmdline is read while ffprobe and ffmpeg run: the password is in none.
 * Ports 19880-19899.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger, type LogFields, type Logger } from "../../log.js";
import { CameraSettingsSchema, createCameraSource, type CameraSettings } from "./index.js";
import { FrameStream } from "./ffmpeg.js";

const VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const PORT = 19880;
const USER = "admin";
const PASSWORD = "Rtsp-S3cret-9f2";
const REALM = "footfall-test-camera";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** What the RTSP server saw: each player's SETUP transport, and the logins it refused. */
interface Seen {
  setups: string[];
  refused: number;
  plays: number;
}

/**
 * A small RTSP relay, as a camera or a media server answers: one publisher (ANNOUNCE, SETUP mode=record over TCP,
 * RECORD, then `$`-framed RTP), any number of players (OPTIONS, DESCRIBE, SETUP over TCP only, PLAY, TEARDOWN), each
 * request of a player checked against a Digest login.
 */
function rtspServer(seen: Seen): { server: Server; ready: Promise<void>; sockets: Set<Socket> } {
  let sdp = "";
  let announced!: () => void;
  const ready = new Promise<void>((resolve) => (announced = resolve));
  const players = new Map<Socket, number>(); // socket -> its RTP channel
  const nonce = randomBytes(12).toString("hex");

  const authorized = (method: string, headers: Map<string, string>): boolean => {
    const auth = headers.get("authorization") ?? "";
    if (!auth.startsWith("Digest ")) return false;
    const f = new Map([...auth.slice(7).matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
    const ha1 = md5(`${USER}:${REALM}:${PASSWORD}`);
    const ha2 = md5(`${method}:${f.get("uri") ?? ""}`);
    return f.get("username") === USER && f.get("nonce") === nonce && f.get("response") === md5(`${ha1}:${nonce}:${ha2}`);
  };

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buf = Buffer.alloc(0);
    let publisher = false;
    const reply = (cseq: string, status: string, headers: Record<string, string> = {}, body = "") => {
      const lines = [`RTSP/1.0 ${status}`, `CSeq: ${cseq}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      if (body) lines.push("Content-Type: application/sdp", `Content-Length: ${Buffer.byteLength(body)}`);
      socket.write(`${lines.join("\r\n")}\r\n\r\n${body}`);
    };
    const request = (head: string, body: string) => {
      const [first, ...rest] = head.split("\r\n");
      const [method = "", url = ""] = first!.split(" ");
      const headers = new Map(rest.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const cseq = headers.get("cseq") ?? "0";
      const session = { Session: "12345678" };
      if (method === "OPTIONS") return reply(cseq, "200 OK", { Public: "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, TEARDOWN, GET_PARAMETER" });
      if (method === "ANNOUNCE") {
        publisher = true;
        sdp = body;
        return reply(cseq, "200 OK");
      }
      if (publisher) {
        if (method === "RECORD") announced();
        if (method === "SETUP") return reply(cseq, "200 OK", { ...session, Transport: headers.get("transport") ?? "" });
        return reply(cseq, "200 OK", session);
      }
      if (!authorized(method, headers)) {
        seen.refused++;
        return reply(cseq, "401 Unauthorized", { "WWW-Authenticate": `Digest realm="${REALM}", nonce="${nonce}"` });
      }
      if (method === "DESCRIBE") {
        if (!sdp) return reply(cseq, "404 Not Found");
        return reply(cseq, "200 OK", { "Content-Base": `${url.replace(/\/$/, "")}/` }, sdp);
      }
      if (method === "SETUP") {
        const transport = headers.get("transport") ?? "";
        seen.setups.push(transport);
        const channel = /RTP\/AVP\/TCP.*interleaved=(\d+)/.exec(transport)?.[1];
        if (channel === undefined) return reply(cseq, "461 Unsupported Transport");
        players.set(socket, Number(channel));
        return reply(cseq, "200 OK", { ...session, Transport: `RTP/AVP/TCP;unicast;interleaved=${channel}-${Number(channel) + 1}` });
      }
      if (method === "PLAY") seen.plays++;
      if (method === "TEARDOWN") players.delete(socket);
      return reply(cseq, "200 OK", session);
    };
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length > 0 && buf[0] === 0x24) {
          // An interleaved packet: `$`, channel, length (16 bits), data.
          if (buf.length < 4) return;
          const len = buf.readUInt16BE(2);
          if (buf.length < 4 + len) return;
          const channel = buf[1]!;
          if (publisher) {
            for (const [player, rtp] of players) {
              if (player.writableLength > 8_000_000) continue; // a player that stopped reading
              const out = Buffer.from(buf.subarray(0, 4 + len));
              out[1] = rtp + channel;
              player.write(out);
            }
          }
          buf = buf.subarray(4 + len);
          continue;
        }
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length).toString();
        buf = buf.subarray(end + 4 + length);
        request(head, body);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      players.delete(socket);
      sockets.delete(socket);
    });
  });
  return { server, ready, sockets };
}

/** Every process's command line now (this user's and others' the test may read). */
function allArgv(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

describe("the camera source on an RTSP camera over TCP, with its login in the URL", () => {
  const seen: Seen = { setups: [], refused: 0, plays: 0 };
  let server: Server;
  let sockets = new Set<Socket>();
  let pusher: ChildProcess;

  beforeAll(async () => {
    if (!existsSync(VIDEO)) throw new Error(`${VIDEO} is missing: apt-get install opencv-doc`);
    const rtsp = rtspServer(seen);
    server = rtsp.server;
    sockets = rtsp.sockets;
    await new Promise<void>((resolve) => server.listen(PORT, "127.0.0.1", resolve));
    // The camera's encoder: vtest.avi as MJPEG at its own pace, again and again, pushed over RTSP/TCP.
    pusher = spawn(
      "ffmpeg",
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-re",
        "-stream_loop",
        "-1",
        "-i",
        VIDEO,
        "-an",
        "-c:v",
        "mjpeg",
        "-huffman",
        "default",
        "-q:v",
        "5",
        "-pix_fmt",
        "yuvj420p",
      ].concat(["-f", "rtsp", "-rtsp_transport", "tcp", `rtsp://127.0.0.1:${PORT}/live`]),
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    await rtsp.ready;
  }, 60_000);

  afterAll(async () => {
    pusher?.kill("SIGKILL");
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("reads it through the input list over TCP, finds people in its frames, and no process's argv holds the password", async () => {
    const ac = new AbortController();
    const input = `rtsp://${USER}:${PASSWORD}@127.0.0.1:${PORT}/live`;
    const settings = Value.Default(CameraSettingsSchema, { input, fps: 10, stallTimeoutMs: 20_000, restartMinMs: 200 }) as CameraSettings;
    const argvSeen: string[][] = [];
    let frames = 0;
    let withPeople = 0;
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    const source = createCameraSource({
      onTracks: ({ active }) => {
        if (frames++ === 0 || frames % 20 === 0) argvSeen.push(allArgv().filter((a) => /ffmpeg|ffprobe/.test(a)));
        if (active.length > 0) withPeople++;
        if (frames === 150) done();
      },
    });
    // ffprobe runs while the camera waits on its answer: look at every command line then too.
    const probeWatch = setInterval(() => {
      const now = allArgv().filter((a) => a.includes("ffprobe"));
      if (now.length) argvSeen.push(now);
    }, 20);
    await source.start({
      settings,
      emit: () => undefined,
      log: silentLogger,
      signal: ac.signal,
      layout: () => null,
      layoutsExpected: false,
      agent: "cam-rtsp",
      onLayout: () => () => {},
      now: () => Date.now(),
      fail: (e) => {
        throw e;
      },
    });
    await enough;
    clearInterval(probeWatch);
    ac.abort();
    await source.stop();

    // Every player's SETUP asked RTP over TCP at once: the list's transport option was read.
    expect(seen.setups.length).toBeGreaterThanOrEqual(2); // ffprobe's and ffmpeg's
    for (const t of seen.setups) expect(t).toMatch(/^RTP\/AVP\/TCP/);
    expect(seen.plays).toBeGreaterThanOrEqual(2);
    expect(frames).toBeGreaterThanOrEqual(150);
    // vtest.avi has people in most of its frames; the detector found them through RTSP.
    expect(withPeople).toBeGreaterThan(50);
    const flat = argvSeen.flat();
    expect(flat.some((a) => a.includes("ffprobe"))).toBe(true);
    // The password, the login and the camera's address are in no command line but the encoder's push (no login).
    expect(flat.filter((a) => a.includes(PASSWORD) || a.includes(`${USER}:`) || (a.includes(`127.0.0.1:${PORT}/live`) && !a.includes("-f rtsp")))).toEqual([]);
    expect(flat.some((a) => a.startsWith("ffmpeg") && a.includes("-f concat"))).toBe(true);
  }, 180_000);

  it("says a refused login in words, without the password, and keeps trying", async () => {
    const ac = new AbortController();
    const wrong = "not-the-Rtsp-S3cret";
    const warnings: LogFields[] = [];
    const log: Logger = {
      ...silentLogger,
      warn: ((fields: LogFields, message: string) => void warnings.push({ ...fields, message })) as Logger["warn"],
      child: () => log,
    };
    const refusedBefore = seen.refused;
    const stream = new FrameStream({
      input: `rtsp://${USER}:${wrong}@127.0.0.1:${PORT}/live`,
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
    await expect.poll(() => warnings.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    ac.abort();
    await running;
    expect(stream.stats.state).toBe("stopped");
    expect(seen.refused - refusedBefore).toBeGreaterThanOrEqual(3);
    const said = JSON.stringify(warnings);
    expect(said).not.toContain(wrong);
    expect(warnings[0]!.message).toBe("video stream dropped; restarting");
    expect(warnings[0]!.reason).toContain(`rtsp://${USER}:***@127.0.0.1:${PORT}/live`);
    expect(warnings[0]!.reason).toContain("401 Unauthorized");
    expect(warnings[0]!.reason).toContain("the camera refused the login");
    expect(warnings[0]!.reason).toContain("check the user name and password in settings.input");
  }, 60_000);

  it("with an ffmpeg older than 5.0 (whose input list takes no options) says so once and still reads the camera, UDP refused, then TCP", async () => {
    // ffmpeg 4.4 as Ubuntu 22.04 has it, as far as the agent can tell: `-version` says 4.4.2, the rest is Debian's ffmpeg.
    const dir = mkdtempSync(join(tmpdir(), "footfall-old-ffmpeg-"));
    const fake = join(dir, "ffmpeg");
    writeFileSync(
      fake,
      '#!/bin/sh\nfor a in "$@"; do [ "$a" = -version ] && { echo "ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021 the FFmpeg developers"; exit 0; }; done\nexec ffmpeg "$@"\n',
      { mode: 0o755 },
    );
    const ac = new AbortController();
    const warnings: { message: string; fields: LogFields }[] = [];
    const log: Logger = {
      ...silentLogger,
      warn: ((fields: LogFields, message: string) => void warnings.push({ fields, message })) as Logger["warn"],
      child: () => log,
    };
    const setupsBefore = seen.setups.length;
    let list = "";
    let frames = 0;
    const stream = new FrameStream({
      input: `rtsp://${USER}:${PASSWORD}@127.0.0.1:${PORT}/live`,
      fps: 10,
      realtime: true,
      loop: false,
      ffmpeg: fake,
      ffprobe: "ffprobe",
      stallTimeoutMs: 20_000,
      restartMinMs: 200,
      restartMaxMs: 400,
      log,
      signal: ac.signal,
      onFrame: () => {
        if (frames++ === 0) {
          const argv = readFileSync(`/proc/${stream.stats.pid}/cmdline`, "utf8").split("\0");
          list = readFileSync(argv[argv.indexOf("-i") + 1]!, "utf8");
        }
        if (frames === 20) ac.abort();
      },
    });
    try {
      await stream.run();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(frames).toBeGreaterThanOrEqual(20);
    const told = warnings.filter((w) => w.message.startsWith("ffmpeg 4.4 cannot be told to read RTSP over TCP"));
    expect(told).toHaveLength(1);
    expect(told[0]!.message).toContain("install ffmpeg 5.0 or later");
    expect(JSON.stringify(warnings)).not.toContain(PASSWORD);
    // The list names the camera and nothing else; ffprobe and ffmpeg asked UDP, were refused, and went over TCP.
    expect(list).toBe(`ffconcat version 1.0\nfile 'rtsp://${USER}:${PASSWORD}@127.0.0.1:${PORT}/live'\n`);
    const setups = seen.setups.slice(setupsBefore);
    expect(setups.some((t) => t.startsWith("RTP/AVP/UDP"))).toBe(true);
    expect(setups.some((t) => t.startsWith("RTP/AVP/TCP"))).toBe(true);
  }, 90_000);
});
