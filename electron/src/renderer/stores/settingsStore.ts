import { type ReadonlySignal, signal } from "@preact/signals";
import { type ConsoleSettings, DEFAULT_SETTINGS, type SettingsPatch } from "../../shared/settings.js";
import type { SettingsSource } from "../platform/settingsSource.js";
import type { NoticesStore } from "./noticesStore.js";

/** The presenter's saved settings (main process in the app, localStorage in a tab). */
export function createSettingsStore(source: SettingsSource, notices: NoticesStore) {
  const settings = signal<ConsoleSettings>(DEFAULT_SETTINGS);
  return {
    settings: settings as ReadonlySignal<ConsoleSettings>,
    async load(): Promise<void> {
      settings.value = await source.load().catch(() => settings.value);
    },
    async save(patch: SettingsPatch): Promise<ConsoleSettings> {
      try {
        settings.value = await source.save(patch);
      } catch (err) {
        notices.push({ id: "settings", level: "warning", text: `Settings not saved: ${(err as Error).message}` });
      }
      return settings.value;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
