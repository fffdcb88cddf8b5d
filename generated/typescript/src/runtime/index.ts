/**
 * errcat's hand-written runtime: response parsing, `Retry-After`, backoff, the
 * retry decision and the budget. The vendor modules are tables over it.
 * @module
 */

export * from "./error.js";
export * from "./headers.js";
export * from "./response.js";
export * from "./retry.js";
export * from "./xml.js";
