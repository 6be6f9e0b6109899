export * from "./idbridge.js";
export { default } from "./idbridge.js";
