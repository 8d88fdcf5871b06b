export { CameraSettingsSchema, CalibrationSchema, CountLineSchema, checkCameraSettings, inputKind, type CameraSettings } from "./settings.js";
export {
  CameraSource,
  createCameraSource,
  modelsDetector,
  type CameraSourceOptions,
  type CameraStats,
  type DetectorLike,
  type DetectorFactory,
} from "./camera.js";
export { FrameStream, ffmpegArgs, probeSize, type RawFrame } from "./ffmpeg.js";
export { Scene, type SceneOptions } from "./scene.js";
export { calibrationReport } from "./calibrate.js";
