export * from "./protocol/index.js";
export * from "./domain/index.js";
export * from "./demo-layout.js";
export * from "./random.js";
export * from "./analysis/index.js";
export * from "./forecast/index.js";
export * from "./alerts/index.js";
export * from "./chain/index.js";
