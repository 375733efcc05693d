export * from "./api.js";
export * from "./config.js";
export * from "./languages.js";
export * from "./messages.js";
