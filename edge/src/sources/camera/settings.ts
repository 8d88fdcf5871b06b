/** Settings of the camera source (the `settings` object of a `camera` agent's config file). */
import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN } from "@footfall/core";
import { checkValue, type Checked } from "../../schema.js";
import { errorMessage } from "../../log.js";
import { computeHomography } from "../../vision/homography.js";
import { DETECTOR_SCORES } from "../../vision/scores.js";
import { DEFAULT_TRACKER_OPTIONS } from "../../vision/tracker.js";

const Int = (min: number, max: number, def: number, description: string) => Type.Integer({ minimum: min, maximum: max, default: def, description });
const Num = (min: number, max: number, def: number, description: string) => Type.Number({ minimum: min, maximum: max, default: def, description });
const ImagePt = Type.Tuple([Type.Number(), Type.Number()], { description: "[u, v] in image pixels (of the decoded frame)" });
const FloorPt = Type.Tuple([Type.Number(), Type.Number()], { description: "[x, y] in metres on the floor plan" });

export const CalibrationSchema = Type.Object(
  {
    points: Type.Array(Type.Object({ image: ImagePt, floor: FloorPt }, { additionalProperties: false }), {
      minItems: 4,
      description: "4 or more image <-> floor point pairs, spread over the floor, no 3 on one line (e.g. tile corners, marks taped on the floor)",
    }),
  },
  { additionalProperties: false, description: "image-to-floor homography; print its error with `footfall-edge camera calibrate --config FILE`" },
);

export const CountLineSchema = Type.Object(
  {
    zone: Type.String({ pattern: ID_PATTERN, description: "zone id the `count` events are for (usually an entrance)" }),
    a: ImagePt,
    b: ImagePt,
    invert: Type.Boolean({ default: false, description: "crossing A->B from its left to its right is `in`; set to swap" }),
    marginPx: Num(0, 500, 6, "dead band either side of the line, in pixels, so jitter on it counts nothing"),
    reportEveryMs: Int(100, 3_600_000, 5000, "send crossings counted since the previous report at most this often"),
  },
  {
    additionalProperties: false,
    description:
      "a counting line in image pixels (e.g. across the door): its crossings are sent as `count` events for its zone, which the camera's zone enters and exits then leave out (each person is counted once)",
  },
);

export const CameraSettingsSchema = Type.Object(
  {
    input: Type.String({ minLength: 1, description: "a video file, an rtsp:// or http(s):// URL, or a V4L2 device such as /dev/video0" }),
    fps: Num(0.5, 60, 10, "frames decoded per second (ffmpeg's fps filter)"),
    width: Type.Optional(Type.Integer({ minimum: 16, maximum: 4096, description: "scale decoded frames to this width (default: the stream's)" })),
    height: Type.Optional(Type.Integer({ minimum: 16, maximum: 4096, description: "scale decoded frames to this height (default: the stream's)" })),
    realtime: Type.Boolean({
      default: true,
      description: "read a file at its own speed, as a camera would deliver it (false: as fast as possible, for benchmarks)",
    }),
    loop: Type.Boolean({ default: false, description: "replay a file forever (demos)" }),
    ffmpeg: Type.String({ default: "ffmpeg", description: "ffmpeg executable" }),
    ffprobe: Type.String({ default: "ffprobe", description: "ffprobe executable (finds the frame size when width/height are not given)" }),
    stallTimeoutMs: Int(500, 600_000, 10_000, "restart ffmpeg when no frame came for this long"),
    restartMinMs: Int(10, 600_000, 1000, "first delay before restarting a dropped stream, doubled after each failure"),
    restartMaxMs: Int(10, 3_600_000, 30_000, "longest delay between restarts"),

    detectEvery: Int(1, 30, 2, "run the detector on every Nth frame; the tracker's motion model carries the frames between"),
    workers: Int(1, 16, 2, "detector worker threads (one TF.js backend each)"),
    backend: Type.Union([Type.Literal("auto"), Type.Literal("wasm"), Type.Literal("tensorflow")], {
      default: "auto",
      description: "auto: tfjs-node when installed, else WASM",
    }),
    roi: Type.Optional(
      Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], {
        description: "[x1, y1, x2, y2]: the part of the frame given to the detector (people look bigger to it)",
      }),
    ),
    masks: Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]), {
      default: [],
      description: "[x1, y1, x2, y2] image boxes where detections are dropped (foot point inside): mannequins, posters, a rock the detector takes for a person",
    }),
    // Score thresholds of the detector this source runs (CenterNet); see vision/scores.ts.
    minScore: Num(0, 1, DETECTOR_SCORES.centernet.lowScore, "detections below this are dropped before tracking"),
    personScore: Num(
      0,
      1,
      DETECTOR_SCORES.centernet.highScore,
      "detections at or above this match tracks in the first pass; those between minScore and this only keep existing tracks alive",
    ),
    newTrackScore: Num(
      0,
      1,
      DETECTOR_SCORES.centernet.newTrackScore,
      "a detection matching no track starts one only at or above this score (keeps static look-alikes out)",
    ),
    maxLostFrames: Int(
      0,
      600,
      DEFAULT_TRACKER_OPTIONS.maxLost,
      "frames a lost track is kept to re-identify the person after an occlusion (the tracker library's own horizon by default)",
    ),
    appearance: Type.Boolean({
      default: true,
      description:
        "tell crossing people apart by the colours of their clothes (a 128-number colour histogram per detection, kept in memory only); off: by motion and box overlap alone",
    }),

    calibration: Type.Optional(CalibrationSchema),
    minFramesIn: Int(1, 1000, 4, "frames in a row inside a zone before `enter`"),
    minFramesOut: Int(1, 1000, 8, "frames in a row outside before `exit`"),
    positionEveryMs: Int(0, 3_600_000, 1000, "one position sample per visitor this often (0: none)"),
    line: Type.Optional(CountLineSchema),

    visitorPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "prefix of the anonymous visitor ids (default: the agent id)" })),
    rotateVisitorMs: Int(0, 86_400_000, 3_600_000, "give a track a fresh random visitor id after this long (exits then enters its zones; 0: never)"),

    audit: Type.Optional(
      Type.Object(
        {
          token: Type.String({ minLength: 16, description: "the audit page's secret (a long random string): open http://<agent>:<port>/?token=<token>" }),
          host: Type.String({ default: "0.0.0.0", description: "address the audit page listens on (the store's LAN)" }),
          port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8093, description: "0: any free port (logged)" }),
          maxSeconds: Int(5, 3600, 600, "the longest clip the page may ask for"),
          keepHours: Num(0.01, 24, 24, "a clip not audited is deleted this long after it was recorded"),
        },
        {
          additionalProperties: false,
          description:
            "the installer's audit: a page on the agent records a clip (kept in <dataDir>/audits on this machine only, deleted after its audit or keepHours), plays it frame by frame and takes a hand count; needs dataDir",
        },
      ),
    ),
    debugDir: Type.Optional(
      Type.String({
        minLength: 1,
        description: "write annotated frames (PPM, with the people in view) to this local directory, for checking the camera; nothing is written unless set",
      }),
    ),
    debugEvery: Int(1, 10_000, 10, "with debugDir: write every Nth frame"),
    debugKeep: Int(
      1,
      100_000,
      300,
      "with debugDir: keep only the newest this many frames there, deleting older ones (each is an image of the people in view; 768x576 is 1.3 MB)",
    ),
  },
  { additionalProperties: false },
);

export type CameraSettings = Static<typeof CameraSettingsSchema>;

/**
 * Fill defaults and list every problem of a camera's settings: the schema's, then what it cannot
 * say. A calibration whose points give no homography (collinear, repeated) or a line of one point
 * would fail every start of the source, retried with backoff for good: the agent refuses to start
 * instead (exit 2), with the other problems.
 */
export function checkCameraSettings(input: unknown): Checked<CameraSettings> {
  const checked = checkValue(CameraSettingsSchema, input, "settings");
  const s = checked.value;
  const problems = [...checked.problems];
  const clean = (path: string) => !checked.problems.some((p) => p.includes(path));
  if (s.calibration && clean("settings/calibration")) {
    try {
      computeHomography(s.calibration.points);
    } catch (err) {
      problems.push(`settings/calibration/points: ${errorMessage(err)}`);
    }
  }
  if (s.line && clean("settings/line") && s.line.a[0] === s.line.b[0] && s.line.a[1] === s.line.b[1])
    problems.push("settings/line: a and b are the same point: give the line's two ends (image pixels), e.g. either side of the door");
  // A box drawn corner by corner the wrong way round covers nothing: a roi would give the detector
  // a one-pixel crop (no one is ever seen), a mask would drop nothing; both without a word.
  const boxes: [string, readonly [number, number, number, number]][] = [];
  if (s.roi && clean("settings/roi")) boxes.push(["settings/roi", s.roi]);
  if (clean("settings/masks")) s.masks.forEach((m, i) => boxes.push([`settings/masks/${i}`, m]));
  for (const [name, [x1, y1, x2, y2]] of boxes)
    if (!(x2 > x1 && y2 > y1))
      problems.push(
        `${name}: [${x1}, ${y1}, ${x2}, ${y2}] covers nothing: give [x1, y1, x2, y2] with x2 > x1 and y2 > y1, the top-left corner first (image pixels)`,
      );
  // The delay doubles from restartMinMs up to restartMaxMs: a maximum under the minimum (seconds
  // written where milliseconds are meant, 30 for 30000) retried a dropped camera every few milliseconds.
  if (clean("settings/restartM") && s.restartMaxMs < s.restartMinMs)
    problems.push(
      `settings/restartMaxMs: ${s.restartMaxMs} ms is less than restartMinMs (${s.restartMinMs} ms): the delay between restarts doubles from restartMinMs up to restartMaxMs (both in milliseconds: 30000 for 30 s)`,
    );
  return { value: s, problems };
}

/** Input kind from the `input` string. */
export function inputKind(input: string): "file" | "stream" | "v4l2" {
  if (/^(rtsps?|rtmp|https?|udp|tcp|srt):\/\//i.test(input)) return "stream";
  if (input.startsWith("/dev/video")) return "v4l2";
  return "file";
}
