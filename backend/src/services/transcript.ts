import type { TranscriptFormat } from "@babelcast/protocol";

/** Transcript rendering (TXT, SRT, WebVTT) from stored segments. Pure. */

export interface TranscriptLine {
  readonly seq: number;
  /** Seconds from the start of the talk. */
  readonly startTime: number;
  readonly endTime: number;
  readonly text: string;
}

function clock(seconds: number, separator: "," | "."): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** Cue text must not contain a blank line (it would end the cue) or `-->`. */
function cueText(text: string): string {
  return text
    .replace(/-->/g, "->")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
}

export function renderTranscript(lines: readonly TranscriptLine[], format: TranscriptFormat): string {
  const ordered = [...lines].sort((a, b) => a.seq - b.seq);
  switch (format) {
    case "txt":
      return ordered.map((l) => `${l.text.trim()}\n`).join("");
    case "srt":
      return ordered
        .map(
          (l, i) =>
            `${i + 1}\n${clock(l.startTime, ",")} --> ${clock(Math.max(l.endTime, l.startTime), ",")}\n${cueText(l.text)}\n`,
        )
        .join("\n");
    case "vtt":
      return `WEBVTT\n\n${ordered
        .map(
          (l) => `${clock(l.startTime, ".")} --> ${clock(Math.max(l.endTime, l.startTime), ".")}\n${cueText(l.text)}\n`,
        )
        .join("\n")}`;
  }
}

export const TRANSCRIPT_CONTENT_TYPES: Record<TranscriptFormat, string> = {
  txt: "text/plain; charset=utf-8",
  srt: "application/x-subrip; charset=utf-8",
  vtt: "text/vtt; charset=utf-8",
};
