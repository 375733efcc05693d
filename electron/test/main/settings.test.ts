import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS_FILE, SettingsStore } from "../../src/main/settingsStore.js";
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

describe("settings store", () => {
  it("persists updates as JSON in its folder and reads them back", () => {
    const dir = mkdtempSync(join(tmpdir(), "babelcast-settings-"));
    const store = new SettingsStore(dir);
    store.update({ audio: { deviceId: "scarlett", channel: "3+4" }, speech: { duckDb: -24 } });
    const again = new SettingsStore(dir);
    expect(again.get().audio).toMatchObject({ deviceId: "scarlett", channel: "3+4" });
    expect(again.get().speech.duckDb).toBe(-24);
    expect(JSON.parse(readFileSync(join(dir, SETTINGS_FILE), "utf8")).audio.deviceId).toBe("scarlett");
  });

  it("starts from defaults when the file is not JSON, and a refused update changes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "babelcast-settings-"));
    writeFileSync(join(dir, SETTINGS_FILE), "{not json");
    const store = new SettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(() => store.update({ audio: { channel: "left" } })).toThrow();
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });
});
