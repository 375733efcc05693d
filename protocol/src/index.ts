export * from "./api.js";
export * from "./config.js";
export * from "./costEstimate.js";
export * from "./languages.js";
export * from "./lifecycleEvents.js";
export * from "./messages.js";
export * from "./speechFrame.js";
export * from "./transcript.js";
