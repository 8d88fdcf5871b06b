/**
 * Audit clips on the edge box only: a stretch of the camera's frames written as JPEG files into
 * `<dataDir>/audits/<clip>/` by a local ffmpeg, beside a manifest of the crossings and zone events
 * the agent produced for each frame of it. Nothing here is ever sent anywhere: the audit page
 * (server.ts) serves a clip to the installer on the store's LAN, and the clip is deleted once its
 * audit is submitted, or `keepMs` (24 h) after it was recorded, whichever comes first.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { Logger } from "../log.js";

export interface ClipEvent {
  frame: number;
  type: "enter" | "exit";
  zone: string;
}

export interface ClipManifest {
  id: string;
  state: "recording" | "ready" | "failed";
  /** Epoch ms of the first and last frame (the agent's clock). */
  startedAt: number;
  endedAt: number | null;
  fps: number;
  width: number;
  height: number;
  /** Frames written (files frame-00000.jpg ...). */
  frames: number;
  /** Frames not written because the encoder fell behind (shown to the auditor). */
  dropped: number;
  /** Line crossings the agent counted, by frame of the clip. */
  crossings: { frame: number; dir: "in" | "out" }[];
  /** Zone enters and exits the agent reported, by frame of the clip. */
  events: ClipEvent[];
  error?: string;
}

export interface ClipFrame {
  width: number;
  height: number;
  /** Packed RGB, width * height * 3 bytes. */
  data: Uint8Array;
}

export interface ClipStoreOptions {
  dir: string;
  ffmpeg: string;
  /** Delete clips this long after they were recorded (ms). */
  keepMs: number;
  log: Logger;
  now(): number;
}

const ID = /^clip-[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$/;
/** Bytes queued to ffmpeg past which frames are dropped rather than held in memory. */
const MAX_QUEUED = 64 * 1024 * 1024;

export const isClipId = (id: string): boolean => ID.test(id);
export const frameFile = (n: number): string => `frame-${String(n).padStart(5, "0")}.jpg`;

interface Recording {
  manifest: ClipManifest;
  maxFrames: number;
  encoder: ChildProcessByStdio<Writable, null, null> | null;
  exited: Promise<number | null> | null;
  done: Promise<ClipManifest>;
  resolve(m: ClipManifest): void;
}

export class ClipStore {
  private recording: Recording | null = null;

  constructor(private readonly o: ClipStoreOptions) {
    mkdirSync(o.dir, { recursive: true });
  }

  get dir(): string {
    return this.o.dir;
  }

  /** Every clip on disk, newest first. */
  list(): ClipManifest[] {
    const out: ClipManifest[] = [];
    for (const name of safeReaddir(this.o.dir)) {
      if (!isClipId(name)) continue;
      const m = this.get(name);
      if (m) out.push(m);
    }
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string): ClipManifest | null {
    if (!isClipId(id)) return null;
    if (this.recording?.manifest.id === id) return { ...this.recording.manifest };
    try {
      return JSON.parse(readFileSync(join(this.o.dir, id, "manifest.json"), "utf8")) as ClipManifest;
    } catch {
      return null;
    }
  }

  /** The file of frame `n` of a finished clip, or null. */
  framePath(id: string, n: number): string | null {
    const m = this.get(id);
    if (!m || m.state !== "ready" || !Number.isInteger(n) || n < 0 || n >= m.frames) return null;
    const file = join(this.o.dir, id, frameFile(n));
    return existsSync(file) ? file : null;
  }

  get active(): ClipManifest | null {
    return this.recording ? { ...this.recording.manifest } : null;
  }

  /** Begin a clip of `seconds` at `fps` (frames come through addFrame); one at a time. */
  start(seconds: number, fps: number): { ok: true; id: string; done: Promise<ClipManifest> } | { ok: false; error: string } {
    if (this.recording) return { ok: false, error: `a clip is being recorded (${this.recording.manifest.id}); wait for it to end` };
    const now = this.o.now();
    const stamp = new Date(now).toISOString().replace(/[-:]/g, "").slice(0, 15);
    const id = `clip-${stamp}-${randomBytes(4).toString("hex")}`;
    mkdirSync(join(this.o.dir, id), { recursive: true });
    let resolve!: (m: ClipManifest) => void;
    const done = new Promise<ClipManifest>((r) => (resolve = r));
    const manifest: ClipManifest = {
      id,
      state: "recording",
      startedAt: now,
      endedAt: null,
      fps,
      width: 0,
      height: 0,
      frames: 0,
      dropped: 0,
      crossings: [],
      events: [],
    };
    this.recording = { manifest, maxFrames: Math.max(1, Math.round(seconds * fps)), encoder: null, exited: null, done, resolve };
    this.writeManifest(manifest);
    this.o.log.info({ clip: id, seconds, fps }, "audit clip recording");
    return { ok: true, id, done };
  }

  /**
   * One processed frame while a clip records, with the crossings and zone events of that frame.
   * Frames of another size than the first end the clip (the stream changed).
   */
  addFrame(frame: ClipFrame, ts: number, crossings: readonly ("in" | "out")[], events: readonly Omit<ClipEvent, "frame">[]): void {
    const r = this.recording;
    if (!r) return;
    const m = r.manifest;
    if (!r.encoder) {
      m.width = frame.width;
      m.height = frame.height;
      this.startEncoder(r);
    } else if (frame.width !== m.width || frame.height !== m.height) {
      void this.finish("the stream's frame size changed");
      return;
    }
    const stdin = r.encoder!.stdin;
    if (stdin.writableLength > MAX_QUEUED || stdin.destroyed) m.dropped++;
    else {
      stdin.write(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength));
      m.frames++;
    }
    // Crossings and events go with the frame they happened on (the last one written, when this one was dropped).
    const at = Math.max(0, m.frames - 1);
    for (const dir of crossings) m.crossings.push({ frame: at, dir });
    for (const e of events) m.events.push({ frame: at, ...e });
    m.endedAt = ts;
    if (m.frames + m.dropped >= r.maxFrames) void this.finish();
  }

  /** End the clip now (the source stops, or it is complete). */
  async finish(error?: string): Promise<ClipManifest | null> {
    const r = this.recording;
    if (!r) return null;
    this.recording = null;
    const m = r.manifest;
    if (r.encoder) {
      r.encoder.stdin.end();
      const code = await r.exited!;
      if (code !== 0 && !error) error = `ffmpeg ended with code ${code}`;
    } else if (!error) error = "no frame came while recording";
    m.state = error ? "failed" : "ready";
    if (error) m.error = error;
    this.writeManifest(m);
    this.o.log.info({ clip: m.id, frames: m.frames, dropped: m.dropped, crossings: m.crossings.length, ...(error ? { error } : {}) }, "audit clip recorded");
    r.resolve(m);
    return m;
  }

  /** Delete a clip and its frames (after its audit). */
  delete(id: string): boolean {
    if (!isClipId(id) || this.recording?.manifest.id === id) return false;
    const path = join(this.o.dir, id);
    if (!existsSync(path)) return false;
    rmSync(path, { recursive: true, force: true });
    this.o.log.info({ clip: id }, "audit clip deleted");
    return true;
  }

  /** Delete every clip recorded `keepMs` ago or earlier; returns how many. */
  sweep(): number {
    const now = this.o.now();
    let n = 0;
    for (const name of safeReaddir(this.o.dir)) {
      if (!isClipId(name) || this.recording?.manifest.id === name) continue;
      const started = this.get(name)?.startedAt ?? safeMtime(join(this.o.dir, name));
      if (now - started >= this.o.keepMs && this.delete(name)) n++;
    }
    return n;
  }

  private startEncoder(r: Recording): void {
    const m = r.manifest;
    const args = [
      "-hide_banner",
      "-loglevel",
      "error",
      "-nostdin",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "-s",
      `${m.width}x${m.height}`,
      "-r",
      String(m.fps),
      "-i",
      "pipe:0",
    ];
    args.push("-q:v", "5", "-start_number", "0", join(this.o.dir, m.id, "frame-%05d.jpg"));
    const child = spawn(this.o.ffmpeg, args, { stdio: ["pipe", "ignore", "ignore"] });
    r.encoder = child;
    r.exited = new Promise((resolve) => {
      child.on("error", (err) => {
        this.o.log.warn({ error: err.message }, "audit clip encoder failed");
        resolve(-1);
      });
      child.on("exit", (code) => resolve(code));
    });
    child.stdin.on("error", () => undefined);
  }

  private writeManifest(m: ClipManifest): void {
    writeFileSync(join(this.o.dir, m.id, "manifest.json"), JSON.stringify(m));
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
