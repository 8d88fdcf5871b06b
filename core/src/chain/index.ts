export * from "./order.js";
