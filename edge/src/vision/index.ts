export * from "./kalman.js";
export * from "./assign.js";
export * from "./tracker.js";
export * from "./homography.js";
export * from "./zones.js";
export * from "./line.js";
export * from "./motmetrics.js";
export * from "./appearance.js";
