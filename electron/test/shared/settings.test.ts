import { describe, expect, it } from "vitest";
import { applySettingsPatch, DEFAULT_SETTINGS, parseStoredSettings } from "../../src/shared/settings.js";

describe("settings schema", () => {
  it("defaults keep voice processing off (pro interfaces) and the floor mixed under speech", () => {
    expect(DEFAULT_SETTINGS.audio).toMatchObject({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
      monitor: false,
      channel: "1",
      gainDb: 0,
    });
    expect(DEFAULT_SETTINGS.speech.floorMix).toBe(true);
  });

  it("keeps the valid fields of a damaged file and defaults the rest", () => {
    const s = parseStoredSettings({ audio: { deviceId: "abc", gainDb: 999, channel: "3+4" }, showDiagnostics: "yes" });
    expect(s.audio.deviceId).toBe("abc");
    expect(s.audio.channel).toBe("3+4");
    expect(s.audio.gainDb).toBe(0);
    expect(s.showDiagnostics).toBe(false);
  });

  it("merges a patch one level deep and rejects invalid values and unknown keys", () => {
    const next = applySettingsPatch(DEFAULT_SETTINGS, { audio: { gainDb: 6 } });
    expect(next.audio.gainDb).toBe(6);
    expect(next.audio.channel).toBe("1");
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, { audio: { gainDb: 60 } })).toThrow();
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, { nodeIntegration: true })).toThrow(/unknown setting/);
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, "x")).toThrow();
  });
});
