// The SDK is CommonJS, so its `require("tslib")` would pull in every tslib helper (11 KB minified):
// the page gets only the six its SignalingClient calls, still tslib's own code.
export { __assign, __awaiter, __extends, __generator, __importDefault, __spreadArray } from "tslib";
