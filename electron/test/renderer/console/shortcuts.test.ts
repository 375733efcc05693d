import { describe, expect, it } from "vitest";
import { shortcutFor } from "../../../src/renderer/console/shortcuts.js";

describe("keyboard shortcuts", () => {
  const key = (k: string, extra: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
    shortcutFor({
      key: k,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      repeat: false,
      targetTag: "BODY",
      targetEditable: false,
      ...extra,
    });
  it("maps M to mute and P to pause", () => {
    expect(key("m")).toBe("toggle-mute");
    expect(key("P")).toBe("toggle-pause");
    expect(key("x")).toBeUndefined();
  });
  it("ignores keys typed into fields, with modifiers, or held down", () => {
    expect(key("m", { targetTag: "INPUT" })).toBeUndefined();
    expect(key("m", { targetEditable: true })).toBeUndefined();
    expect(key("m", { ctrlKey: true })).toBeUndefined();
    expect(key("p", { repeat: true })).toBeUndefined();
  });
});
