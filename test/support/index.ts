/** Shared helpers of the cross-process, unit and browser tests. */
export * from "./api.js";
export * from "./child.js";
export * from "./cli.js";
export * from "./demo.js";
export * from "./fixtures.js";
export * from "./mosquitto.js";
export * from "./mqtt.js";
export * from "./paths.js";
export * from "./postgres.js";
export * from "./ports.js";
export * from "./proxy.js";
export * from "./reference.js";
export * from "./server-process.js";
export * from "./tools.js";
export * from "./wait.js";
