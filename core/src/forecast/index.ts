export * from "./series.js";
export * from "./special-days.js";
export * from "./baselines.js";
export * from "./features.js";
export * from "./metrics.js";
export * from "./split.js";
export * from "./profile.js";
export * from "./occupancy.js";
