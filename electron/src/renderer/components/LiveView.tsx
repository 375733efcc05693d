import { estimateSessionCost, languageInfo, type SessionOwnerView, type TranscriptFormat } from "@babelcast/protocol";
import { useState } from "preact/hooks";
import type { SegmentView } from "../live/transcriptLog.js";
import type { SignalingState } from "../media/masterChannel.js";
import type { SocketState } from "../session/controlSocket.js";
import type { Counts } from "../stores/sessionStore.js";

const name = (code: string) => languageInfo(code)?.englishName ?? code;

export interface TranscriptPanelProps {
  readonly partial: string;
  readonly segments: readonly SegmentView[];
  readonly targetLanguages: readonly string[];
}

export function TranscriptPanel({ partial, segments, targetLanguages }: TranscriptPanelProps) {
  return (
    <section class="panel transcript" data-testid="transcript">
      <h2>Transcript</h2>
      <ol class="segments">
        {segments.slice(-30).map((s) => (
          <li key={s.seq} data-testid="segment" data-seq={s.seq}>
            <p class="source">{s.text}</p>
            {targetLanguages.map((l) =>
              s.translations[l] || s.errors[l] ? (
                <p key={l} class={s.errors[l] ? "translation error" : "translation"} data-lang={l}>
                  <span class="lang">{l}</span> {s.translations[l] ?? `failed: ${s.errors[l]}`}
                </p>
              ) : null,
            )}
          </li>
        ))}
      </ol>
      <p class="partial" data-testid="partial">
        {partial}
      </p>
    </section>
  );
}

export interface CountsPanelProps {
  readonly counts: Counts;
  readonly session: SessionOwnerView;
}

export function CountsPanel({ counts, session }: CountsPanelProps) {
  const languages = [session.sourceLanguage, ...session.targetLanguages];
  const channels = Object.entries(counts.byChannel);
  return (
    <section class="panel counts" data-testid="listener-counts">
      <h2>
        Listeners <span data-testid="listener-total">{counts.total}</span>
      </h2>
      <ul>
        {languages.map((l) => (
          <li key={l} data-testid={`count-${l}`}>
            {name(l)}: {counts.byLanguage[l] ?? 0}
          </li>
        ))}
        {counts.captionsOnly > 0 && <li>captions only (audio full): {counts.captionsOnly}</li>}
      </ul>
      {channels.length > 0 && (
        <details>
          <summary>By audio channel</summary>
          <ul>
            {channels.map(([arn, n], i) => (
              <li key={arn} title={arn}>
                channel {i + 1}: {n} / 10
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

export interface HealthPanelProps {
  readonly socket: SocketState;
  readonly channels: ReadonlyArray<{ channelArn: string; state: SignalingState }>;
  readonly recognizer: string;
  readonly viewersConnected: number;
}

export function HealthPanel({ socket, channels, recognizer, viewersConnected }: HealthPanelProps) {
  const open = channels.filter((c) => c.state === "open").length;
  return (
    <section class="panel health" data-testid="health">
      <h2>Connection</h2>
      <ul>
        <li class={socket === "open" ? "ok" : "bad"} data-testid="health-socket">
          Server: {socket}
        </li>
        <li class={open === channels.length && open > 0 ? "ok" : "bad"} data-testid="health-signaling">
          Audio signaling: {open}/{channels.length} channels open
        </li>
        <li data-testid="health-viewers">Audio listeners connected: {viewersConnected}</li>
        <li data-testid="health-recognizer">Recognition: {recognizer}</li>
      </ul>
    </section>
  );
}

export interface CostPanelProps {
  readonly minutes: number;
  readonly counts: Counts;
  readonly session: SessionOwnerView;
  readonly sourceCharacters: number;
  readonly segments: number;
}

/** Cloud mode: what this session costs per hour at the current audience. */
export function CostPanel({ minutes, counts, session, sourceCharacters, segments }: CostPanelProps) {
  const active = session.targetLanguages.filter((l) => (counts.byLanguage[l] ?? 0) > 0).length;
  const measured = minutes >= 1;
  const estimate = estimateSessionCost({
    minutes: Math.max(1, minutes),
    targetLanguages: active,
    listeners: counts.total,
    audioCapacity: session.audioCapacity,
    ...(measured ? { sourceCharacters, segments } : {}),
  });
  return (
    <section class="panel cost" data-testid="cost">
      <h2>
        Cost <small>about ${estimate.perHourUsd.toFixed(2)} / hour</small>
      </h2>
      <ul>
        {estimate.lines
          .filter((l) => l.usd > 0.0005)
          .map((l) => (
            <li key={l.service} title={l.detail}>
              {l.service}: ${((l.usd / Math.max(1, minutes)) * 60).toFixed(2)}/h
            </li>
          ))}
      </ul>
    </section>
  );
}

export interface ExportPanelProps {
  readonly languages: readonly string[];
  readonly onExport: (language: string, format: TranscriptFormat) => void;
}

export function ExportPanel({ languages, onExport }: ExportPanelProps) {
  const [language, setLanguage] = useState(languages[0] ?? "en");
  return (
    <section class="panel export" data-testid="export">
      <h2>Export transcript</h2>
      <select
        value={language}
        onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}
        aria-label="Transcript language"
      >
        {languages.map((l) => (
          <option key={l} value={l}>
            {name(l)}
          </option>
        ))}
      </select>
      {(["txt", "srt", "vtt"] as const).map((f) => (
        <button key={f} type="button" data-testid={`export-${f}`} onClick={() => onExport(language, f)}>
          {f.toUpperCase()}
        </button>
      ))}
    </section>
  );
}
