// Node entry point of the idbridge package: the same module as in a
// browser, its WebAssembly read from disk and instantiated on import.
import { readFileSync } from "node:fs";
import { initSync } from "./idbridge.js";

initSync({ module: readFileSync(new URL("./idbridge_bg.wasm", import.meta.url)) });

export * from "./idbridge.js";
// Already initialized: `await init()` resolves at once, so code written
// for browsers runs unchanged.
export { default } from "./idbridge.js";
