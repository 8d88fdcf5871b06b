export * from "./types.js";
export * from "./hours.js";
export * from "./evaluate.js";
