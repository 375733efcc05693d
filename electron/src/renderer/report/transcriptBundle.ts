import { type TranscriptFormat, TranscriptFormat as TranscriptFormats } from "@babelcast/protocol";
import { zipSync } from "fflate";

/** One transcript file of the bundle. */
export interface TranscriptFile {
  readonly language: string;
  readonly format: TranscriptFormat;
  readonly text: string;
}

/** Every language × format the "all languages" bundle holds. Pure. */
export function bundleEntries(languages: readonly string[]): { language: string; format: TranscriptFormat }[] {
  return languages.flatMap((language) => TranscriptFormats.options.map((format) => ({ language, format })));
}

/** The transcripts as one zip (`<session>-<lang>.<format>` each, UTF-8). Pure. */
export function transcriptZip(sessionId: string, files: readonly TranscriptFile[]): Uint8Array {
  const encoder = new TextEncoder();
  return zipSync(
    Object.fromEntries(files.map((f) => [`${sessionId}-${f.language}.${f.format}`, encoder.encode(f.text)])),
    { level: 6 },
  );
}
