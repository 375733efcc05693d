import { describe, expect, it } from "vitest";
import { ListenerAssignments } from "../src/listenerAssignments.js";

describe("ListenerAssignments", () => {
  it("routes each language's packets to the viewers assigned to it, and moves a viewer on reassignment", () => {
    const a = new ListenerAssignments(["en", "es"]);
    expect(a.assign("l-1", "en")).toBeUndefined();
    expect(a.assign("l-2", "es")).toBeUndefined();
    expect([...a.listenersOf("en")]).toEqual(["l-1"]);
    expect(a.assign("l-1", "es")).toBeUndefined();
    expect([...a.listenersOf("en")]).toEqual([]);
    expect([...a.listenersOf("es")].sort()).toEqual(["l-1", "l-2"]);
    expect(a.language("l-1")).toBe("es");
    expect(a.heard()).toEqual(["es"]);
  });

  it("refuses a language the console does not send, saying which it does, and changes nothing", () => {
    const a = new ListenerAssignments(["en", "es"]);
    a.assign("l-1", "en");
    expect(a.assign("l-1", "fr")).toMatch(/fr is not relayed here .*en, es/);
    expect(a.language("l-1")).toBe("en");
    expect([...a.listenersOf("en")]).toEqual(["l-1"]);
  });

  it("forgets a viewer that left", () => {
    const a = new ListenerAssignments(["en"]);
    a.assign("l-1", "en");
    a.remove("l-1");
    a.remove("l-unknown");
    expect(a.language("l-1")).toBeUndefined();
    expect([...a.listenersOf("en")]).toEqual([]);
  });
});
