/**
 * The `camera` source: ffmpeg frames -> person detector (worker threads, every Nth frame) ->
 * tracker (every frame; predicts between detections) -> zones, positions, counting line ->
 * `ctx.emit`. Frames and crops never leave the process; debug frames go to local disk only
 * when `debugDir` is set, and audit clips (`audit`) to `<dataDir>/audits` only, served to the
 * installer's browser by the agent's own audit page and deleted after the audit or within 24 h.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { AuditServer } from "../../audit/server.js";
import { ClipStore, type ClipEvent } from "../../audit/clips.js";
import { auditReport } from "../../audit/result.js";
import type { Source, SourceContext } from "../../source.js";
import { errorMessage } from "../../log.js";
import { appearanceOf } from "../../vision/appearance.js";
import { computeHomography, reprojectionError, type Homography } from "../../vision/homography.js";
import { initTracker, stepTracker, type Detection, type TrackerState, type TrackView } from "../../vision/tracker.js";
import { Canvas, colourOf, DebugFrames } from "./debug.js";
import { FrameStream, type FrameStreamStats, type RawFrame } from "./ffmpeg.js";
import { Scene } from "./scene.js";
import { inputKind, type CameraSettings } from "./settings.js";

/** What the camera needs of a detector (structurally `@footfall/models`' PersonDetector). */
export interface DetectorLike {
  readonly backend: string;
  detect(frame: { width: number; height: number; data: Uint8Array }): Promise<{ box: readonly [number, number, number, number]; score: number }[]>;
  dispose(): Promise<void>;
  /** Frames queued or being detected (a pool exposes it; used to avoid piling up on live streams). */
  readonly pending?: number;
}
export type DetectorFactory = (s: CameraSettings) => Promise<DetectorLike>;

interface ModelsPackage {
  createDetectorPool(o: { workers: number; backend: string; minScore: number; roi?: readonly number[] }): Promise<DetectorLike>;
}

/**
 * `@footfall/models` (person detection on TensorFlow.js, ~90 MB installed), an optional dependency
 * of the edge: imported here only, when a camera starts, so door, beacon and sim agents never load
 * it and may be installed without it (`npm install --omit=optional`). Missing, it says what to install.
 */
export async function loadModels(name = "@footfall/models"): Promise<ModelsPackage> {
  try {
    return (await import(/* @vite-ignore */ name)) as ModelsPackage;
  } catch (err) {
    const missing = (err as { code?: string }).code === "ERR_MODULE_NOT_FOUND" && errorMessage(err).includes(name);
    throw new Error(
      missing
        ? `the camera source needs the optional package ${name} (person detection), which is not installed: ` +
            "install the agent with its optional dependencies (`npm install` without --omit=optional), or add it with `npm install @footfall/models` " +
            "(in this repository: `npm install -w edge @footfall/models`); door, beacon and sim agents run without it"
        : `${name} could not be loaded: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/** The default detector: `@footfall/models`' worker pool, loaded only when a camera starts. */
export const modelsDetector: DetectorFactory = async (s) => {
  const models = await loadModels();
  return models.createDetectorPool({ workers: s.workers, backend: s.backend, minScore: s.minScore, ...(s.roi ? { roi: s.roi } : {}) });
};

export interface CameraSourceOptions {
  /** Detector factory (tests inject a fake); default `modelsDetector`. */
  detector?: DetectorFactory;
  /** Random visitor ids; default 96 random bits in hex after `visitorPrefix-`. */
  newVisitor?: (prefix: string) => string;
  /** Observe each processed frame's confirmed tracks (benches, debugging); runs in-process. */
  onTracks?: (info: { run: number; index: number; ts: number; active: readonly TrackView[] }) => void;
}

export interface CameraStats {
  stream: FrameStreamStats;
  framesProcessed: number;
  framesDetected: number;
  tracks: number;
  /** Frames processed per second over the last run. */
  fps: number;
  totals: Scene["totals"];
}

/** One frame waiting in order for its detection (if any) before the tracker takes it. */
interface Pending {
  frame: RawFrame;
  ts: number;
  detections: Promise<Detection[]> | null;
}

export class CameraSource implements Source<CameraSettings> {
  /** Its input is ffmpeg's frames: `ctx.input()` at each (no frame for a minute: "input stalled"). */
  readonly input = "frame";
  private ctx: SourceContext<CameraSettings> | null = null;
  private stream: FrameStream | null = null;
  private detector: DetectorLike | null = null;
  private scene: Scene | null = null;
  private tracker: TrackerState = initTracker();
  private queue: Pending[] = [];
  private processing: Promise<void> = Promise.resolve();
  private running: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private runStartTs = 0;
  private lastTs = 0;
  private sinceDetect = Infinity;
  private processed = 0;
  private detected = 0;
  private runStartedAt = 0;
  private runProcessed = 0;
  private lastFrameAt = 0;
  /** The frame size whose settings were last checked (warned of once per size). */
  private checkedSize = "";
  private clips: ClipStore | null = null;
  private auditServer: AuditServer | null = null;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  /** Zone events of the frame being processed, for the audit clip being recorded. */
  private frameEvents: Omit<ClipEvent, "frame">[] = [];
  /** Annotated frames on local disk (settings.debugDir), the newest debugKeep of them. */
  private debug: DebugFrames | null = null;
  /** The debug frame being written, awaited at stop. */
  private lastDebugWrite: Promise<void> = Promise.resolve();

  constructor(private readonly options: CameraSourceOptions = {}) {}

  /** The audit page's port once listening (tests use port 0), or null. */
  get auditPort(): number | null {
    return this.auditServer?.port ?? null;
  }
  /** The audit clips of this agent (tests). */
  get auditClips(): ClipStore | null {
    return this.clips;
  }

  stats(): CameraStats {
    const seconds = (this.lastFrameAt - this.runStartedAt) / 1000;
    return {
      stream: { ...(this.stream?.stats ?? { runs: 0, restarts: 0, frames: 0, pid: null, state: "stopped", lastError: null }) },
      framesProcessed: this.processed,
      framesDetected: this.detected,
      tracks: this.scene?.trackCount ?? 0,
      fps: seconds > 0 ? this.runProcessed / seconds : 0,
      totals: { ...(this.scene?.totals ?? { in: 0, out: 0, enters: 0, exits: 0, positions: 0, visitors: 0 }) },
    };
  }

  /** Kill the current ffmpeg child (what a dropped camera looks like); it is restarted with backoff. */
  killStream(): void {
    this.stream?.kill();
  }

  /** Resolves when a file input without `loop` has been read to its end and processed (benches). */
  async finished(): Promise<void> {
    await this.running;
    await this.processing;
  }

  async start(ctx: SourceContext<CameraSettings>): Promise<void> {
    const s = ctx.settings;
    this.ctx = ctx;
    const log = ctx.log;
    let homography: Homography | null = null;
    let frontSign = 1;
    if (s.calibration) {
      homography = computeHomography(s.calibration.points);
      const err = reprojectionError(homography, s.calibration.points);
      const w = s.calibration.points.map((p) => homography![6] * p.image[0] + homography![7] * p.image[1] + homography![8]);
      frontSign = w.filter((v) => v > 0).length >= w.length / 2 ? 1 : -1;
      log.info({ points: s.calibration.points.length, rmsErrorM: err.rms.toFixed(3), maxErrorM: err.max.toFixed(3) }, "calibration loaded");
    } else {
      log.warn("no calibration: no zone enter/exit and no position events, only the counting line (add settings.calibration with 4+ image/floor point pairs)");
    }
    if (s.line) {
      const layout = ctx.layout();
      if (layout && !layout.zones.some((z) => z.id === s.line!.zone))
        log.warn(
          { zone: s.line.zone, zones: layout.zones.map((z) => z.id).join(",") },
          "the counting line's zone is not in the layout: the server will reject its counts. Set settings.line.zone to one of the layout's zones, or add the zone to the store's layout (Layout in the web app)",
        );
    }
    this.detector = await (this.options.detector ?? modelsDetector)(s);
    log.info({ backend: this.detector.backend, workers: s.workers, detectEvery: s.detectEvery }, "person detector ready");
    const newVisitor = this.options.newVisitor ?? ((prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`);
    this.scene = new Scene(
      {
        homography,
        frontSign,
        minFramesIn: s.minFramesIn,
        minFramesOut: s.minFramesOut,
        positionEveryMs: s.positionEveryMs,
        rotateVisitorMs: s.rotateVisitorMs,
        line: s.line
          ? { a: s.line.a, b: s.line.b, margin: s.line.marginPx, invert: s.line.invert, zone: s.line.zone, reportEveryMs: s.line.reportEveryMs }
          : null,
        newVisitor: () => newVisitor(s.visitorPrefix ?? ctx.agent ?? "cam"),
      },
      (e) => {
        ctx.emit(e);
        if (this.clips?.active && (e.type === "enter" || e.type === "exit")) this.frameEvents.push({ type: e.type, zone: e.zone });
      },
    );
    if (s.audit) await this.startAudit(ctx, s.audit);
    if (s.debugDir) {
      this.debug = new DebugFrames(s.debugDir, s.debugKeep, (message, err) => log.warn({ error: errorMessage(err) }, message));
      log.warn(
        { debugDir: s.debugDir, debugEvery: s.debugEvery, debugKeep: s.debugKeep },
        `settings.debugDir: every ${s.debugEvery === 1 ? "" : `${ordinal(s.debugEvery)} `}frame is written with the people in it as an image to ${s.debugDir} on this machine ` +
          `(never sent; the newest ${s.debugKeep} kept, older ones deleted): remove debugDir from the config once the camera is checked`,
      );
    }
    this.abort = new AbortController();
    const signal = AbortSignal.any([ctx.signal, this.abort.signal]);
    const realtimeClock = s.realtime || inputKind(s.input) !== "file";
    this.stream = new FrameStream({
      input: s.input,
      fps: s.fps,
      width: s.width,
      height: s.height,
      realtime: s.realtime,
      loop: s.loop,
      ffmpeg: s.ffmpeg,
      ffprobe: s.ffprobe,
      stallTimeoutMs: s.stallTimeoutMs,
      restartMinMs: s.restartMinMs,
      restartMaxMs: s.restartMaxMs,
      log: log.child("ffmpeg"),
      signal,
      onStart: (info) => {
        const size = `${info.width}x${info.height}`;
        if (size !== this.checkedSize) {
          this.checkedSize = size;
          for (const problem of pointsOutsideFrame(s, info.width, info.height)) log.warn(problem);
        }
        this.runStartTs = ctx.now();
        this.runStartedAt = Date.now();
        this.runProcessed = 0;
        this.tracker = initTracker();
        this.sinceDetect = Infinity;
        log.info({ width: info.width, height: info.height, run: info.run }, "video stream running");
      },
      onFrame: (frame) => {
        ctx.input?.();
        // Live inputs (and real-time files) are stamped on arrival; a file read as fast as possible by its own clock.
        const ts = Math.round(realtimeClock ? ctx.now() : this.runStartTs + frame.ptsMs);
        return this.onFrame(frame, ts);
      },
      onEnd: async () => {
        await this.flushQueue();
        this.scene?.endAll(this.lastTs);
      },
    });
    const stream = this.stream;
    this.running = stream
      .run()
      .then(() => {
        if (stream.stats.state === "ended") this.logTotals("the video file is read to its end");
      })
      .catch((err: unknown) => ctx.fail(err));
  }

  /**
   * What this camera counted since its start, in the log: the figures to compare with the server's
   * (the line's in and out as its counts, the zone enters as visits). Said when a file ends and at stop.
   */
  private logTotals(why: string): void {
    const t = this.scene?.totals;
    if (!t || !this.ctx) return;
    const line = this.ctx.settings.line;
    this.ctx.log.info(
      { frames: this.processed, ...(line ? { lineZone: line.zone, in: t.in, out: t.out } : {}), enters: t.enters, exits: t.exits, people: t.visitors },
      `${why}: counted since the start${line ? ` ${t.in} in and ${t.out} out on the line (zone ${line.zone}),` : ""} ${t.enters} zone enters and ${t.exits} exits, ${t.visitors} people tracked`,
    );
  }

  private async onFrame(frame: RawFrame, ts: number): Promise<void> {
    const s = this.ctx!.settings;
    const detector = this.detector!;
    this.sinceDetect++;
    let detections: Promise<Detection[]> | null = null;
    const due = this.sinceDetect >= s.detectEvery;
    const busy = (detector.pending ?? 0) >= s.workers;
    if (due && (!busy || !s.realtime || this.sinceDetect >= 4 * s.detectEvery)) {
      this.sinceDetect = 0;
      this.detected++;
      detections = detector.detect(frame).then(
        (persons) =>
          persons
            .filter((p) => !masked(p.box, s.masks))
            .map((p) => ({ box: p.box, score: p.score, appearance: s.appearance ? appearanceOf(frame, p.box) : null })),
        (err: unknown) => {
          this.ctx?.log.warn({ error: errorMessage(err) }, "detection failed on a frame");
          return [];
        },
      );
    }
    this.queue.push({ frame, ts, detections });
    this.processing = this.processing.then(() => this.drain());
    // Backpressure: hold ffmpeg while more frames wait than the workers can take.
    if (this.queue.length > 2 * s.workers * s.detectEvery) await this.processing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const dets = head.detections ? await head.detections : null;
      this.queue.shift();
      this.process(head, dets);
    }
  }

  private async flushQueue(): Promise<void> {
    this.processing = this.processing.then(() => this.drain());
    await this.processing;
  }

  private process(p: Pending, dets: Detection[] | null): void {
    const s = this.ctx!.settings;
    const r = stepTracker(this.tracker, dets, { lowScore: s.minScore, highScore: s.personScore, newTrackScore: s.newTrackScore, maxLost: s.maxLostFrames });
    this.tracker = r.state;
    this.lastTs = Math.max(this.lastTs, p.ts);
    const crossings = this.scene!.step(p.ts, r.active, r.removed, Scene.zonesOf(this.ctx!.layout()));
    if (this.clips?.active) this.clips.addFrame(p.frame, p.ts, crossings, this.frameEvents);
    this.frameEvents = [];
    this.processed++;
    this.runProcessed++;
    this.options.onTracks?.({ run: this.stream?.stats.runs ?? 0, index: p.frame.index, ts: p.ts, active: r.active });
    this.lastFrameAt = Date.now();
    if (this.debug && this.processed % s.debugEvery === 0 && !this.debug.busy) this.debugFrame(p.frame, r.active, dets);
  }

  private debugFrame(frame: RawFrame, active: TrackView[], dets: Detection[] | null): void {
    const s = this.ctx!.settings;
    const c = new Canvas(frame.width, frame.height, frame.data);
    for (const d of dets ?? []) c.rect(d.box, [200, 200, 200], 1);
    for (const t of active) {
      const col = colourOf(t.id);
      c.rect(t.box, col, 2);
      c.dot(t.foot, col);
      c.tag([t.box[0], t.box[1]], t.id, col);
    }
    if (s.line) c.line(s.line.a, s.line.b, [255, 255, 255], 2);
    this.lastDebugWrite = this.debug!.write(c);
  }

  /** The audit page and its clip store (settings.audit; needs the agent's dataDir). */
  private async startAudit(ctx: SourceContext<CameraSettings>, a: NonNullable<CameraSettings["audit"]>): Promise<void> {
    if (!ctx.dataDir) throw new Error("settings.audit needs the agent's dataDir (where clips are kept on this machine): set dataDir in the config");
    const clips = new ClipStore({
      dir: join(ctx.dataDir, "audits"),
      ffmpeg: ctx.settings.ffmpeg,
      keepMs: a.keepHours * 3_600_000,
      log: ctx.log.child("audit"),
      now: () => ctx.now(),
    });
    this.clips = clips;
    clips.sweep();
    this.sweepTimer = setInterval(() => clips.sweep(), Math.min(600_000, a.keepHours * 3_600_000));
    this.sweepTimer.unref?.();
    const server = new AuditServer({
      host: a.host,
      port: a.port,
      token: a.token,
      agent: ctx.agent ?? "camera",
      clips,
      maxSeconds: a.maxSeconds,
      record: (seconds) => clips.start(seconds, ctx.settings.fps),
      log: ctx.log.child("audit"),
      now: () => ctx.now(),
      onResult: (r) => {
        const report = auditReport(r);
        if (report) ctx.reportAudit?.(report);
      },
    });
    await server.start();
    this.auditServer = server;
    // Results kept here are sent again at every start (the server keeps one per id): one stored
    // while the broker was away, or before a crash, still reaches it. The newest 100 at most.
    for (const r of server.results().slice(0, 100).reverse()) {
      const report = auditReport(r);
      if (report) ctx.reportAudit?.(report);
    }
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    await this.processing.catch(() => undefined);
    await this.lastDebugWrite;
    await this.clips?.finish("the camera stopped while recording");
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.auditServer?.stop();
    this.auditServer = null;
    const ended = this.stream?.stats.state === "ended";
    this.scene?.endAll(this.lastTs);
    if (!ended) this.logTotals("stopped");
    await this.detector?.dispose();
    this.detector = null;
    this.queue = [];
  }
}

/**
 * The settings drawn in image pixels (the line, the calibration's image points, roi, masks) that
 * lie outside the frames the camera gives: points taken on a frame of another size (a camera set to
 * another resolution, a snapshot scaled down), which would count nothing or put people in the wrong
 * zones without a word. One line per setting, with what to do.
 */
export function pointsOutsideFrame(s: CameraSettings, width: number, height: number): string[] {
  type Pt = readonly [number, number];
  const corners = (box: readonly [number, number, number, number]): Pt[] => [
    [box[0], box[1]],
    [box[2], box[3]],
  ];
  const drawn: [string, Pt[]][] = [];
  if (s.line) drawn.push(["settings.line's point", [s.line.a, s.line.b]]);
  if (s.calibration) drawn.push(["settings.calibration's image point", s.calibration.points.map((p) => p.image)]);
  if (s.roi) drawn.push(["settings.roi's corner", corners(s.roi)]);
  s.masks.forEach((m, i) => drawn.push([`settings.masks[${i}]'s corner`, corners(m)]));
  const fix =
    "were the points taken on a frame of another size? Set settings.width and settings.height to that size (frames are scaled to it), or take them again on this camera's frames";
  const problems: string[] = [];
  for (const [name, points] of drawn) {
    const bad = points.filter((p) => p[0] < 0 || p[1] < 0 || p[0] > width || p[1] > height);
    const list = bad.map((p) => `[${p[0]}, ${p[1]}]`).join(", ");
    if (bad.length > 0) problems.push(`${name} ${list} lie${bad.length === 1 ? "s" : ""} outside the ${width}x${height} frame: ${fix}`);
  }
  const [given, missing] = s.width === undefined ? ["height", "width"] : ["width", "height"];
  if ((s.width === undefined) !== (s.height === undefined))
    problems.push(`settings.${given} is ignored without settings.${missing}: give both to scale the frames, or neither`);
  return problems;
}

/** 10th, 2nd, 3rd, 21st... for the log. */
function ordinal(n: number): string {
  const tail = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${tail}`;
}

/** Whether a box's foot point (bottom centre) lies in one of the mask boxes. */
export function masked(box: readonly [number, number, number, number], masks: readonly (readonly [number, number, number, number])[]): boolean {
  const u = (box[0] + box[2]) / 2,
    v = box[3];
  return masks.some((m) => u >= m[0] && u <= m[2] && v >= m[1] && v <= m[3]);
}

export function createCameraSource(options: CameraSourceOptions = {}): CameraSource {
  return new CameraSource(options);
}
