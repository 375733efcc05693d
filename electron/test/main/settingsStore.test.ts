import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS_FILE, SettingsStore } from "../../src/main/settingsStore.js";
import { DEFAULT_SETTINGS } from "../../src/shared/settings.js";

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
