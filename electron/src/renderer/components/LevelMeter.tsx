import { isClipping, type MeterState, meterFraction } from "../audio/levelMeter.js";

export interface LevelMeterProps {
  readonly label: string;
  readonly state: MeterState;
  readonly now: number;
  readonly onResetClip?: () => void;
}

/** One channel: RMS bar, peak bar, held-peak marker, clip light (click to reset). */
export function LevelMeter({ label, state, now, onResetClip }: LevelMeterProps) {
  const clipping = isClipping(state, now);
  return (
    <div
      class="meter"
      data-testid="level-meter"
      data-peak-db={state.peakDb.toFixed(1)}
      data-hold-db={state.holdDb.toFixed(1)}
    >
      <span class="meter-label">{label}</span>
      {/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot draw a held peak and an RMS bar together. */}
      <div
        class="meter-track"
        role="meter"
        aria-valuemin={-60}
        aria-valuemax={0}
        aria-valuenow={Math.round(state.peakDb)}
        aria-label={`${label} level`}
      >
        <div class="meter-peak" style={{ width: `${meterFraction(state.peakDb) * 100}%` }} />
        <div class="meter-rms" style={{ width: `${meterFraction(state.rmsDb) * 100}%` }} />
        <div class="meter-hold" data-testid="peak-hold" style={{ left: `${meterFraction(state.holdDb) * 100}%` }} />
      </div>
      <span class="meter-db">{state.holdDb <= -60 ? "−∞" : `${state.holdDb.toFixed(1)} dB`}</span>
      <button
        type="button"
        class={clipping ? "clip on" : "clip"}
        data-testid="clip-indicator"
        title="Clip: the input reached full scale. Lower the gain. Click to reset."
        onClick={onResetClip}
      >
        CLIP
      </button>
    </div>
  );
}
