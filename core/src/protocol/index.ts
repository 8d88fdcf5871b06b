export * from "./ids.js";
export * from "./limits.js";
export * from "./validate.js";
export * from "./events.js";
export * from "./batch.js";
export * from "./status.js";
export * from "./layout.js";
export * from "./topics.js";
