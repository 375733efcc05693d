import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { applySettingsPatch, type ConsoleSettings, parseStoredSettings } from "../shared/settings.js";

export const SETTINGS_FILE = "console-settings.json";

/**
 * Settings as one JSON file in the app's userData folder. Written atomically (temp file +
 * rename) so a crash mid-write never leaves a half file; read leniently so a bad field
 * falls back to its default instead of losing the rest.
 */
export class SettingsStore {
  private current: ConsoleSettings;
  readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, SETTINGS_FILE);
    this.current = this.load();
  }

  get(): ConsoleSettings {
    return this.current;
  }

  /** Validates and persists a patch; returns the settings now in force. */
  update(patch: unknown): ConsoleSettings {
    const next = applySettingsPatch(this.current, patch);
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.current = next;
    return next;
  }

  private load(): ConsoleSettings {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return parseStoredSettings({});
    }
    try {
      return parseStoredSettings(JSON.parse(text));
    } catch {
      return parseStoredSettings({});
    }
  }
}
