import { describe, expect, it } from "vitest";
import { EventEmitter } from "../../src/shims/events.js";
import { __extends } from "../../src/shims/tslib.js";

interface Emitter {
  on(name: string, listener: (...args: unknown[]) => void): Emitter;
  emit(name: string, ...args: unknown[]): boolean;
  removeAllListeners(name?: string): Emitter;
}

/** A subclass compiled the way the SDK's SignalingClient is (ES5, the page's __extends, `_super.call(this)`). */
function makeClient(): Emitter {
  const base = EventEmitter as unknown as (this: object) => object | undefined;
  function Client(this: object) {
    return base.call(this) || this;
  }
  __extends(Client, EventEmitter);
  return new (Client as unknown as new () => Emitter)();
}

describe("events stand-in under the KVS SignalingClient", () => {
  it("calls listeners in the order added, with the arguments, and says whether there were any", () => {
    const client = makeClient();
    const calls: unknown[] = [];
    client.on("sdpAnswer", (answer, from) => calls.push(["first", answer, from]));
    client.on("sdpAnswer", (answer) => calls.push(["second", answer]));
    expect(client.emit("sdpAnswer", { sdp: "v=0" }, "master")).toBe(true);
    expect(calls).toEqual([
      ["first", { sdp: "v=0" }, "master"],
      ["second", { sdp: "v=0" }],
    ]);
    expect(client.emit("iceCandidate", {})).toBe(false);
  });

  it("keeps each client's listeners apart", () => {
    const a = makeClient();
    const b = makeClient();
    let heard = 0;
    a.on("open", () => heard++);
    b.emit("open");
    expect(heard).toBe(0);
  });

  it("forgets every listener, or one event's, so a closed viewer hears nothing more", () => {
    const client = makeClient();
    let heard = 0;
    client.on("close", () => heard++);
    client.on("error", () => heard++);
    client.removeAllListeners("close");
    client.emit("close");
    client.emit("error");
    expect(heard).toBe(1);
    client.removeAllListeners();
    expect(client.emit("error", new Error("late"))).toBe(false);
    expect(heard).toBe(1);
  });
});
