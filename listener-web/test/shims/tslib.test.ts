import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as tslib from "tslib";
import { describe, expect, it } from "vitest";
import * as shim from "../../src/shims/tslib.js";

const require = createRequire(import.meta.url);
const sdkSource = readFileSync(require.resolve("amazon-kinesis-video-streams-webrtc/lib/SignalingClient.js"), "utf8");

type Body = Parameters<typeof shim.__generator>[1];

/** An async function compiled the way tsc compiles the SDK's (ES5, tslib's __awaiter over __generator). */
const compiled = (helpers: typeof shim, body: Body) =>
  helpers.__awaiter(undefined, undefined, undefined, function (this: unknown) {
    return helpers.__generator(this, body);
  });

describe("tslib stand-in under the KVS SignalingClient", () => {
  it("covers every tslib helper the SDK's SignalingClient calls, and its generators use only yield and return", () => {
    const used = new Set([...sdkSource.matchAll(/tslib_1\.(__\w+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(shim).sort());
    const ops = new Set([...sdkSource.matchAll(/return \[(\d+) \/\*/g)].map((m) => Number(m[1])));
    expect([...ops].sort()).toEqual([2, 4]);
    expect(sdkSource).not.toContain(".trys");
  });

  it("awaits what the body yields, hands it back through sent(), and resolves what it returns", async () => {
    const seen: unknown[] = [];
    const result = await compiled(shim, (_a) => {
      switch (_a.label) {
        case 0:
          return [4, Promise.resolve("signed-url")];
        case 1:
          seen.push(_a.sent());
          return [4, "not a promise"];
        default:
          seen.push(_a.sent());
          return [2, "opened"];
      }
    });
    expect(seen).toEqual(["signed-url", "not a promise"]);
    expect(result).toBe("opened");
  });

  it("rejects when an awaited promise rejects, or when the body throws", async () => {
    await expect(compiled(shim, () => [4, Promise.reject(new Error("signing failed"))])).rejects.toThrow(
      "signing failed",
    );
    await expect(
      compiled(shim, (_a) => {
        if (_a.label === 0) return [4, undefined];
        throw new Error("no WebSocket");
      }),
    ).rejects.toThrow("no WebSocket");
  });

  it("refuses a generator op it does not implement rather than run it wrongly", async () => {
    await expect(compiled(shim, () => [3, 7])).rejects.toThrow("generator op 3 is not supported");
  });

  it("agrees with tslib on the SDK's other calls: __assign, __importDefault, __spreadArray", () => {
    const config = { region: "us-east-1", role: "VIEWER" };
    expect(shim.__assign({}, config)).toEqual(tslib.__assign({}, config));
    const cjs = { now: 1 };
    const esm = { __esModule: true, default: cjs };
    expect(shim.__importDefault(cjs)).toEqual(tslib.__importDefault(cjs));
    expect(shim.__importDefault(esm)).toBe(tslib.__importDefault(esm));
    const pending = [{ candidate: "a" }, { candidate: "b" }];
    expect(shim.__spreadArray([], pending, true)).toEqual(tslib.__spreadArray([], pending, true));
    expect(shim.__spreadArray([], [], true)).toEqual([]);
  });

  it("__extends: instances get the base's prototype, the subclass its statics and constructor", () => {
    function Base(this: { ready?: boolean }) {
      this.ready = true;
    }
    Base.prototype.hello = function hello() {
      return "hi";
    };
    (Base as unknown as { version: string }).version = "2.9.0";
    function Client(this: object) {
      return (Base as unknown as (this: object) => object | undefined).call(this) || this;
    }
    shim.__extends(Client, Base);
    Client.prototype.own = () => "own";
    const client = new (Client as unknown as new () => { ready: boolean; hello(): string; own(): string })();
    expect(client).toBeInstanceOf(Client);
    expect(client).toBeInstanceOf(Base);
    expect([client.ready, client.hello(), client.own()]).toEqual([true, "hi", "own"]);
    expect(Object.getPrototypeOf(client).constructor).toBe(Client);
    expect((Client as unknown as { version: string }).version).toBe("2.9.0");
  });
});
