/**
 * What the camera audit tests share: a short ffmpeg test-pattern clip to play as the camera, a
 * stand-in detector walking one person across the counting line over and over (the real detector
 * is tested on real video elsewhere), and camera settings with the line at x = 70 and the audit
 * page on a free port.
 */
import { spawnSync } from "node:child_process";
import { Value } from "@sinclair/typebox/value";
import type { DetectorLike } from "../../edge/src/sources/camera/camera.js";
import { CameraSettingsSchema, type CameraSettings } from "../../edge/src/sources/camera/settings.js";
import { requireTool } from "./tools.js";

/** Writes a 4 s, 160×120, 10 fps test pattern to `path` with Debian's ffmpeg. */
export function writeTestClip(path: string): void {
  requireTool("ffmpeg");
  const r = spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "4", "-pix_fmt", "yuv420p", path]);
  if (r.status !== 0) throw new Error(`ffmpeg could not write the test clip ${path}: ${String(r.stderr)}`);
}

/** A person 20 px wide crossing the frame left to right, 8 px a frame, again and again. */
export function walkingPerson(backend = "stand-in"): DetectorLike {
  let k = 0;
  return {
    backend,
    pending: 0,
    async detect() {
      const x = 10 + ((k++ * 8) % 120);
      return [{ box: [x, 20, x + 20, 100], score: 0.9 }];
    },
    async dispose() {},
  };
}

/** Camera settings that play `video` in real time, loop it, and count `zone` at the line x = 70. */
export function auditCameraSettings(video: string, opts: { zone: string; token: string; reportEveryMs: number }): CameraSettings {
  return Value.Default(CameraSettingsSchema, {
    input: video,
    fps: 10,
    realtime: true,
    loop: true,
    detectEvery: 1,
    workers: 1,
    appearance: false,
    line: { zone: opts.zone, a: [70, 0], b: [70, 120], invert: false, marginPx: 2, reportEveryMs: opts.reportEveryMs },
    audit: { token: opts.token, host: "127.0.0.1", port: 0 },
  }) as CameraSettings;
}
