export * from "./order.js";
export * from "./store-dwell.js";
