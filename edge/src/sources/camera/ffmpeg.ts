/**
 * Raw RGB frames from an ffmpeg child process (a file, an RTSP/HTTP URL or a V4L2 device), at a
 * fixed rate, with a stall watchdog and restarts with exponential backoff when the stream drops.
 * Frames never leave the process: they go from ffmpeg's stdout to `onFrame` only.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redactUrl } from "@footfall/core";
import type { Logger } from "../../log.js";
import { inputKind } from "./settings.js";

export interface RawFrame {
  /** 0-based index since this stream (re)started. */
  index: number;
  /** Presentation time since the stream (re)started, ms (index / fps). */
  ptsMs: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export interface FrameStreamOptions {
  input: string;
  fps: number;
  width?: number | undefined;
  height?: number | undefined;
  realtime: boolean;
  loop: boolean;
  ffmpeg: string;
  ffprobe: string;
  stallTimeoutMs: number;
  restartMinMs: number;
  restartMaxMs: number;
  log: Logger;
  signal: AbortSignal;
  /** Called in order for each frame; the stream waits (backpressure) while the promise is pending. */
  onFrame(frame: RawFrame): void | Promise<void>;
  /** A run of ffmpeg started delivering frames of this size. */
  onStart?(info: { width: number; height: number; run: number }): void;
  /** A run ended (ffmpeg exited, was killed, or stalled); the consumer flushes per-run state. */
  onEnd?(info: { reason: string; frames: number; run: number }): void | Promise<void>;
}

export interface FrameStreamStats {
  runs: number;
  restarts: number;
  frames: number;
  pid: number | null;
  state: "starting" | "running" | "waiting" | "ended" | "stopped";
  lastError: string | null;
}

/**
 * The protocols a stream URL may need, read through its input list ({@link inputList}): the list file itself, and
 * what footfall-edge's stream inputs (rtsp(s), rtmp, http(s), udp, tcp, srt URLs) run on.
 */
export const LIST_PROTOCOLS = "file,http,https,httpproxy,tcp,tls,udp,rtp,srtp,rtmp,rtmps,rtmpt,rtmpts,srt,crypto";

/**
 * The input list (ffmpeg's concat demuxer, one file) that names a stream URL to ffmpeg and ffprobe, so that the URL,
 * a camera's password in it (`rtsp://admin:secret@...`), is not in their command line, which `ps` shows every local
 * user: its options with it (RTSP over TCP). `tcp: false` leaves the option out, for an ffmpeg older than 5.0, whose
 * concat demuxer knows no `option` line and refuses the whole list ({@link listTakesOptions}).
 */
export function inputList(input: string, { tcp = true }: { tcp?: boolean } = {}): string {
  if (/[\r\n\0]/.test(input)) throw new Error(`${redactUrl(input).replace(/[\r\n\0]/g, "?")}: settings.input holds a line break; write the camera's URL on one line`);
  const lines = ["ffconcat version 1.0", `file '${input.replaceAll("'", "'\\''")}'`];
  if (tcp && /^rtsps?:/i.test(input)) lines.push("option rtsp_transport tcp");
  return `${lines.join("\n")}\n`;
}

/**
 * ffmpeg's version from `ffmpeg -version`'s first line ("ffmpeg version 5.1.9-0+deb12u1 ..."): [major, minor], or null
 * for a build without a release number (a git build, "N-109000-g..."), taken to be recent.
 */
export function ffmpegVersion(text: string): [number, number] | null {
  const m = /version\s+n?(\d+)\.(\d+)/i.exec(text.split("\n")[0] ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Whether an input list may carry options (the concat demuxer's `option` line came with ffmpeg 5.0). */
export const listTakesOptions = (version: [number, number] | null): boolean => version === null || version[0] >= 5;

const versions = new Map<string, Promise<[number, number] | null>>();
/** `ffmpeg -version` of the executable `ffmpeg`, asked once per process; null when it cannot tell. */
export function askFfmpegVersion(ffmpeg: string): Promise<[number, number] | null> {
  let v = versions.get(ffmpeg);
  if (!v) {
    v = new Promise((resolve) =>
      execFile(ffmpeg, ["-hide_banner", "-version"], { timeout: 10_000 }, (err, out) => resolve(err ? null : ffmpegVersion(String(out)))),
    );
    versions.set(ffmpeg, v);
  }
  return v;
}

/** ffmpeg's (and ffprobe's) input arguments for a stream URL's input list at `list` ({@link inputList}). */
const listArgs = (list: string) => ["-f", "concat", "-safe", "0", "-protocol_whitelist", LIST_PROTOCOLS, "-i", list];

/** An input list's directory: `footfall-camera-<pid of the agent that wrote it>-XXXXXX` in the temp dir. */
const LIST_DIR = /^footfall-camera-(\d+)-[^-]+$/;

/** Whether process `pid` runs (one of another user runs too: EPERM). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the input lists in `base` left by agents of this user that no longer run (killed with SIGKILL, or the box
 * lost power: their `finally` never ran), each with a camera's password. Another agent's that runs is kept, and so is
 * anything not a directory of this user's. Returns how many it removed.
 */
export async function removeStaleInputLists(base: string = tmpdir()): Promise<number> {
  let removed = 0;
  const names = await readdir(base).catch(() => [] as string[]);
  for (const name of names) {
    const pid = LIST_DIR.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    const dir = join(base, name);
    const st = await lstat(dir).catch(() => null);
    if (!st?.isDirectory() || st.uid !== process.getuid?.()) continue;
    await rm(dir, { recursive: true, force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/**
 * A stream URL's input list written to a private directory (0700, a file 0600) of `base` (the temp dir) for the runs
 * of one stream; `dispose` removes both. Files and devices need none (their path holds no secret). The lists of this
 * user's agents that no longer run are removed first ({@link removeStaleInputLists}).
 */
export async function writeInputList(
  input: string,
  base: string = tmpdir(),
  options: { tcp?: boolean } = {},
): Promise<{ path: string; dispose(): Promise<void> }> {
  await removeStaleInputLists(base);
  const dir = await mkdtemp(join(base, `footfall-camera-${process.pid}-`));
  const path = join(dir, "input.ffconcat");
  try {
    await writeFile(path, inputList(input, options), { mode: 0o600, flag: "wx" });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * ffmpeg's arguments for one run (pure, tested). `list`: a stream URL's input list ({@link writeInputList}), read
 * instead of the URL.
 */
export function ffmpegArgs(o: Pick<FrameStreamOptions, "input" | "fps" | "width" | "height" | "realtime" | "loop">, list?: string): string[] {
  const kind = inputKind(o.input);
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin"];
  if (list !== undefined && kind === "stream") args.push(...listArgs(list));
  else if (kind === "file") {
    if (o.realtime) args.push("-re");
    if (o.loop) args.push("-stream_loop", "-1");
  } else if (kind === "stream" && /^rtsps?:/i.test(o.input)) {
    args.push("-rtsp_transport", "tcp");
  } else if (kind === "v4l2") {
    args.push("-f", "v4l2");
  }
  if (list === undefined || kind !== "stream") args.push("-i", o.input);
  args.push("-an", "-sn");
  const filters = [`fps=${o.fps}`];
  if (o.width && o.height) filters.push(`scale=${o.width}:${o.height}`);
  args.push("-vf", filters.join(","), "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1");
  return args;
}

/**
 * `text` (a message, ffmpeg's or ffprobe's stderr) with the password of a camera URL given as
 * `input` (`rtsp://admin:secret@10.0.0.5/stream1`, how most IP cameras take their login) written
 * `***`, as `redactUrl` writes it: ffmpeg repeats the URL in its errors, and every restart logged it.
 */
export function hideInputSecret(text: string, input: string): string {
  const shown = redactUrl(input);
  if (shown === input) return text;
  const secret = /^[a-z][a-z0-9+.-]*:\/\/([^:/@]*):([^/@]*)@/i.exec(input)!;
  return text.split(input).join(shown).split(`${secret[1]}:${secret[2]}@`).join(`${secret[1]}:***@`);
}

/**
 * What to do when ffmpeg's or ffprobe's `stderr` says the camera refused its login (RTSP or HTTP 401, as an IP camera
 * answers a wrong password), or null. ffmpeg's own words ("method DESCRIBE failed: 401 Unauthorized") do not say
 * where the login is set.
 */
export function loginRefused(stderr: string): string | null {
  if (!/401 Unauthorized|authorization failed/i.test(stderr)) return null;
  return (
    "the camera refused the login: check the user name and password in settings.input " +
    "(rtsp://user:password@host/..., with @ : / % in them written %40 %3A %2F %25); the agent keeps trying"
  );
}

/**
 * Frame size with ffprobe. A camera that takes the connection and sends nothing would hold ffprobe
 * for good (its HTTP and RTSP inputs wait without limit): after `timeoutMs` it is killed and the run
 * fails, so the stream is retried with backoff like any dropped one.
 */
export function probeSize(ffprobe: string, input: string, signal: AbortSignal, timeoutMs = 10_000, list?: string): Promise<{ width: number; height: number }> {
  const shown = redactUrl(input);
  return new Promise((resolve, reject) => {
    const args = ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json"];
    if (list !== undefined && inputKind(input) === "stream") args.push(...listArgs(list));
    else {
      if (input.startsWith("/dev/video")) args.push("-f", "v4l2");
      if (/^rtsps?:/i.test(input)) args.push("-rtsp_transport", "tcp");
      args.push(input);
    }
    const child = spawn(ffprobe, args, { stdio: ["ignore", "pipe", "pipe"], signal });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let out = "",
      err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut)
        return reject(
          new Error(
            `ffprobe got no video from ${shown} within ${timeoutMs} ms (settings.stallTimeoutMs, 10 s at least): is the camera on and sending video? (check the URL, or open it with \`ffprobe ${shown}\`)`,
          ),
        );
      try {
        const s = (JSON.parse(out) as { streams?: { width?: number; height?: number }[] }).streams?.[0];
        if (code === 0 && s?.width && s.height) return resolve({ width: s.width, height: s.height });
      } catch {
        /* fall through */
      }
      reject(
        new Error(
          `ffprobe could not read a video stream from ${shown} (exit ${code}): ${hideInputSecret(err.trim(), input).slice(0, 300) || "no video stream"}; ` +
            (loginRefused(err) ?? "check that settings.input is a video file, camera URL or device ffmpeg can open"),
        ),
      );
    });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export class FrameStream {
  readonly stats: FrameStreamStats = { runs: 0, restarts: 0, frames: 0, pid: null, state: "starting", lastError: null };
  private child: ChildProcess | null = null;

  constructor(private readonly o: FrameStreamOptions) {}

  /** Kill the current ffmpeg (tests, or a stall); the stream restarts after its backoff. */
  kill(): void {
    this.child?.kill("SIGKILL");
  }

  /** Runs until `signal` aborts, or a file without `loop` ends. Never rejects. */
  async run(): Promise<void> {
    const { o } = this;
    const live = inputKind(o.input) !== "file";
    const shown = redactUrl(o.input);
    // A stream URL goes to ffmpeg and ffprobe in a file of their own, not in their command line (`ps`), removed at the end.
    try {
      await this.runs(live, shown, o.restartMinMs);
    } finally {
      await this.list?.dispose().catch(() => {});
      this.list = null;
    }
  }

  /** A stream URL's input list, written at its first run ({@link writeInputList}); none for a file or a device. */
  private list: Awaited<ReturnType<typeof writeInputList>> | null = null;
  private async listPath(): Promise<string | undefined> {
    if (inputKind(this.o.input) !== "stream") return undefined;
    // Written again when it has gone meanwhile (a temp-dir cleaner: a camera that ran for weeks, then restarted).
    if (this.list && !existsSync(this.list.path)) {
      await this.list.dispose().catch(() => {});
      this.list = null;
    }
    this.list ??= await writeInputList(this.o.input, undefined, { tcp: await this.listTcp() });
    return this.list.path;
  }

  /**
   * Whether the list may say RTSP over TCP: not to an ffmpeg older than 5.0, which would refuse the whole list (every
   * RTSP camera dead). Such an ffmpeg tries RTP over UDP first, and TCP when the camera refuses UDP or UDP brings nothing.
   */
  private tcpOk: boolean | null = null;
  private async listTcp(): Promise<boolean> {
    if (this.tcpOk !== null || !/^rtsps?:/i.test(this.o.input)) return this.tcpOk ?? true;
    const version = await askFfmpegVersion(this.o.ffmpeg);
    this.tcpOk = listTakesOptions(version);
    if (!this.tcpOk)
      this.o.log.warn(
        { input: redactUrl(this.o.input), ffmpeg: `${version![0]}.${version![1]}` },
        `ffmpeg ${version![0]}.${version![1]} cannot be told to read RTSP over TCP without the camera's URL (and its password) in its command line, ` +
          "which every local user can read: it reads this camera over UDP first and switches to TCP when the camera refuses UDP or no video comes over it; " +
          "to make it TCP from the start, install ffmpeg 5.0 or later (Debian 12, Ubuntu 24.04) or set settings.ffmpeg and settings.ffprobe to such a build",
      );
    return this.tcpOk;
  }

  private async runs(live: boolean, shown: string, delay: number): Promise<void> {
    const { o } = this;
    while (!o.signal.aborted) {
      this.stats.runs++;
      this.stats.state = "starting";
      const started = Date.now();
      let result: { reason: string; frames: number; clean: boolean };
      try {
        const missing = missingInput(o.input);
        if (missing) throw new Error(missing);
        const list = await this.listPath();
        const size =
          o.width && o.height ? { width: o.width, height: o.height } : await probeSize(o.ffprobe, o.input, o.signal, Math.max(o.stallTimeoutMs, 10_000), list);
        result = await this.once(size.width, size.height, list);
      } catch (err) {
        result = { reason: err instanceof Error ? err.message : String(err), frames: 0, clean: false };
      }
      result.reason = hideInputSecret(result.reason, o.input);
      this.stats.pid = null;
      if (o.signal.aborted) break;
      await o.onEnd?.({ reason: result.reason, frames: result.frames, run: this.stats.runs });
      if (result.clean && !live && !o.loop) {
        o.log.info({ input: shown, frames: result.frames }, "input ended");
        this.stats.state = "ended";
        return;
      }
      this.stats.lastError = result.reason;
      // A run that delivered frames for a while resets the backoff.
      if (result.frames > 0 && Date.now() - started > 10 * o.restartMinMs) delay = o.restartMinMs;
      o.log.warn({ input: shown, reason: result.reason, frames: result.frames, retryInMs: delay }, "video stream dropped; restarting");
      this.stats.state = "waiting";
      this.stats.restarts++;
      await sleep(delay, o.signal);
      delay = Math.min(o.restartMaxMs, delay * 2);
    }
    this.stats.state = "stopped";
  }

  private once(width: number, height: number, list: string | undefined): Promise<{ reason: string; frames: number; clean: boolean }> {
    const { o } = this;
    const frameBytes = width * height * 3;
    return new Promise((resolve) => {
      const child = spawn(o.ffmpeg, ffmpegArgs({ ...o, width, height }, list), { stdio: ["ignore", "pipe", "pipe"] });
      this.child = child;
      this.stats.pid = child.pid ?? null;
      let frames = 0;
      let stderr = "";
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let busy = false;
      let ended = false;
      let stalled = false;
      let settled = false;
      let exit: { code: number | null; signal: string | null } | null = null;
      const queue: Buffer[] = [];

      let lastFrameAt = Date.now();
      const watchdog = setInterval(
        () => {
          // Only a silent ffmpeg is a stall, not a busy consumer holding it back.
          if (!busy && queue.length === 0 && Date.now() - lastFrameAt > o.stallTimeoutMs) {
            stalled = true;
            child.kill("SIGKILL");
          }
        },
        Math.min(1000, Math.max(50, o.stallTimeoutMs / 4)),
      );
      const onAbort = () => child.kill("SIGKILL");
      o.signal.addEventListener("abort", onAbort, { once: true });

      const finish = () => {
        if (settled || busy || queue.length > 0 || !ended || !exit) return;
        settled = true;
        clearInterval(watchdog);
        o.signal.removeEventListener("abort", onAbort);
        this.child = null;
        const clean = exit.code === 0 && !stalled;
        const reason = stalled
          ? `no frame for ${o.stallTimeoutMs} ms`
          : exit.code === 0
            ? "end of input"
            : `ffmpeg exited with ${exit.code ?? exit.signal}${stderr.trim() ? `: ${hideInputSecret(stderr.trim(), o.input).split("\n").slice(-2).join(" | ").slice(0, 300)}` : ""}` +
              (loginRefused(stderr) === null ? "" : `; ${loginRefused(stderr)}`);
        resolve({ reason, frames, clean });
      };

      const drain = async () => {
        if (busy) return;
        busy = true;
        while (queue.length > 0 && !o.signal.aborted) {
          const data = queue.shift()!;
          const index = frames++;
          this.stats.frames++;
          if (index === 0) {
            this.stats.state = "running";
            o.onStart?.({ width, height, run: this.stats.runs });
          }
          try {
            await o.onFrame({ index, ptsMs: (index * 1000) / o.fps, width, height, data });
          } catch (err) {
            o.log.error({ error: err instanceof Error ? err.message : String(err) }, "frame handler failed");
          }
          lastFrameAt = Date.now();
          if (queue.length < 2 && child.stdout?.isPaused()) child.stdout.resume();
        }
        queue.length = 0;
        busy = false;
        finish();
      };

      child.stdout!.on("data", (chunk: Buffer) => {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < frameBytes) return;
        let all = Buffer.concat(pending, pendingBytes);
        while (all.length >= frameBytes) {
          // A copy, so the frame does not pin ffmpeg's chunk and can be handed on.
          queue.push(Buffer.from(all.subarray(0, frameBytes)));
          all = all.subarray(frameBytes);
        }
        pending = all.length ? [all] : [];
        pendingBytes = all.length;
        lastFrameAt = Date.now();
        if (queue.length >= 4) child.stdout!.pause();
        void drain();
      });
      child.stdout!.on("end", () => {
        ended = true;
        finish();
      });
      child.stderr!.on("data", (c: Buffer) => {
        stderr = (stderr + c.toString()).slice(-4000);
      });
      child.on("error", (err) => {
        // Spawn failure (ffmpeg missing): no stdout end will come.
        stderr += err.message;
        ended = true;
        exit = { code: -1, signal: null };
        finish();
      });
      child.on("close", (code, signal) => {
        exit = { code, signal };
        ended = true;
        finish();
      });
    });
  }
}

/**
 * Why a local input cannot be opened, in words that say what to do, or null when it exists (or is
 * a stream URL, which only ffmpeg can try). ffmpeg's own "No such file or directory" comes buried in
 * its stderr; a technician with a typo in `input`, or a camera unplugged, should read it plainly.
 */
export function missingInput(input: string, exists: (path: string) => boolean = existsSync): string | null {
  const kind = inputKind(input);
  if (kind === "stream" || exists(input)) return null;
  if (kind === "v4l2") return `${input} does not exist: is the camera plugged in? (\`ls /dev/video*\` lists the devices; set settings.input to one)`;
  return `${input} does not exist: check settings.input (a video file, an rtsp:// or http(s):// URL, or a device such as /dev/video0)`;
}
