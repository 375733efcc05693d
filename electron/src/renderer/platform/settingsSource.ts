import type { ConsoleBridge } from "../../shared/consoleBridge.js";
import {
  applySettingsPatch,
  type ConsoleSettings,
  parseStoredSettings,
  type SettingsPatch,
} from "../../shared/settings.js";

declare global {
  interface Window {
    /** Present in the Electron app (preload); absent in a browser tab. */
    babelcast?: ConsoleBridge;
  }
}

export interface SettingsSource {
  load(): Promise<ConsoleSettings>;
  save(patch: SettingsPatch): Promise<ConsoleSettings>;
}

const STORAGE_KEY = "babelcast.console.settings";

/** Settings live in the main process in the app, in localStorage in a browser tab. */
export function settingsSource(bridge: ConsoleBridge | undefined = window.babelcast): SettingsSource {
  if (bridge) return { load: () => bridge.getSettings(), save: (patch) => bridge.updateSettings(patch) };
  const read = () => {
    try {
      return parseStoredSettings(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}"));
    } catch {
      return parseStoredSettings({});
    }
  };
  return {
    load: async () => read(),
    save: async (patch) => {
      const next = applySettingsPatch(read(), patch);
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      return next;
    },
  };
}
