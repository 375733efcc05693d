export * from "./config.js";
export * from "./languages.js";
