import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const SETTINGS_FILE = "embedded.json";

/**
 * Optional settings of the embedded server, read from `D/embedded.json`. Each service owns
 * its own section and validates it with its own schema (see `settingsSection`).
 */
export const EmbeddedSettings = z.record(z.string(), z.unknown());
export type EmbeddedSettings = z.infer<typeof EmbeddedSettings>;

export function loadEmbeddedSettings(dataDir: string, overrides: EmbeddedSettings = {}): EmbeddedSettings {
  let fromFile: EmbeddedSettings = {};
  const file = join(dataDir, SETTINGS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file} is not valid JSON (${(err as Error).message}): fix or delete it`);
    }
    const parsed = EmbeddedSettings.safeParse(json);
    if (!parsed.success) throw new Error(`${file} must hold a JSON object of sections: fix or delete it`);
    fromFile = parsed.data;
  }
  return { ...fromFile, ...overrides };
}

/** Reads and validates one service's section, applying the schema's defaults. */
export function settingsSection<T extends z.ZodType>(settings: EmbeddedSettings, name: string, schema: T): z.infer<T> {
  const parsed = schema.safeParse(settings[name] ?? {});
  if (!parsed.success) {
    throw new Error(`settings section "${name}" is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
