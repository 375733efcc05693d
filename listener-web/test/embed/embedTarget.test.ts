import { describe, expect, it } from "vitest";
import { embedTarget, memoryStore } from "../../src/embed/embedTarget.js";

describe("embedTarget", () => {
  it("reads the session from the API path and the one language from the query", () => {
    expect(embedTarget("/api/sessions/amber-harbor-482/embed", "?lang=es")).toEqual({
      sessionId: "amber-harbor-482",
      language: "es",
    });
  });

  it("leaves the language to the listener when the link names none", () => {
    expect(embedTarget("/sessions/amber-harbor-482/embed", "")).toEqual({ sessionId: "amber-harbor-482" });
  });

  it("has no session for any other path (the page then says the talk is not found)", () => {
    expect(embedTarget("/s/amber-harbor-482", "").sessionId).toBe("");
  });
});

describe("memoryStore", () => {
  it("remembers within the page only", () => {
    const a = memoryStore();
    a.setItem("k", "v");
    expect(a.getItem("k")).toBe("v");
    expect(memoryStore().getItem("k")).toBeNull();
  });
});
