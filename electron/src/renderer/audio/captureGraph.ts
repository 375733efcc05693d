import type { AudioSettings } from "../../shared/settings.js";
import { effectiveChannels, graphIsIdentity } from "./channelLayout.js";
import { dbToGain } from "./levelMeter.js";

/**
 * The capture graph, on one AudioContext shared with the speech players:
 *
 *   device ─► splitter ─► [picked channel(s)] ─► merger ─► input gain ─┬─► broadcast gain ─► original track (WebRTC)
 *                                                                      ├─► analysers (meter, one per picked channel)
 *                                                                      ├─► recognition tap (mono)
 *                                                                      ├─► floor (speech players mix it under speech)
 *                                                                      └─► monitor gain ─► speakers
 *
 * Web Audio resamples the device's rate to the context's; the recognizer downsamples the
 * tap to 16 kHz itself. The original track stays the same object for the whole session
 * (device switches only change what feeds it): the recording keeps it.
 *
 * Listeners of the original get `broadcastTrack`: while the graph would not change the audio
 * (gain 0 dB, every channel of a mono or stereo input), a clone of the device track itself,
 * skipping the graph's buffering (measured 10–48 ms between runs of the audio bench, set by how
 * Web Audio's input FIFO settles at start-up); the graph's track otherwise. Pause and mute
 * disable the clone (a disabled track sends silence, mediacapture-main §4.3.1). A change of
 * path calls `onBroadcastTrackChange`, and peer connections swap the track (replaceTrack).
 */
export class CaptureGraph {
  readonly context: AudioContext;
  /** Mono sum of the picked channels, after gain: the recognizer connects here. */
  readonly recognitionTap: GainNode;
  /** Post-gain input, muted with the broadcast: speech players mix it in ducked. */
  readonly floor: GainNode;
  readonly originalTrack: MediaStreamTrack;
  /** The recognition tap as a stream, for recognizers that take a MediaStream. */
  readonly recognitionStream: MediaStream;
  private readonly inputGain: GainNode;
  private readonly broadcastGain: GainNode;
  private readonly monitorGain: GainNode;
  private readonly destination: MediaStreamAudioDestinationNode;
  private source?: MediaStreamAudioSourceNode;
  private splitter?: ChannelSplitterNode;
  private merger?: ChannelMergerNode;
  private meterSplitter?: ChannelSplitterNode;
  private stream?: MediaStream;
  private analysers: AnalyserNode[] = [];
  private buffers: Float32Array<ArrayBuffer>[] = [];
  /** The track of the open device; listen to its `ended` to notice an unplugged device. */
  deviceTrack?: MediaStreamTrack;
  channelCount = 0;
  channelChoice = "1";
  /** Called when `broadcastTrack` becomes another track. */
  onBroadcastTrackChange?: () => void;
  /** The device track's clone sent as is while the graph is an identity. */
  private passThrough?: MediaStreamTrack;
  private gainDb = 0;
  private broadcasting = true;

  constructor(context?: AudioContext) {
    this.context = context ?? new AudioContext({ latencyHint: "interactive" });
    this.inputGain = this.context.createGain();
    this.broadcastGain = this.context.createGain();
    this.monitorGain = this.context.createGain();
    this.monitorGain.gain.value = 0;
    this.recognitionTap = this.context.createGain();
    this.recognitionTap.channelCount = 1;
    this.recognitionTap.channelCountMode = "explicit";
    this.recognitionTap.channelInterpretation = "speakers";
    this.floor = this.context.createGain();
    this.destination = this.context.createMediaStreamDestination();
    this.inputGain.connect(this.broadcastGain).connect(this.destination);
    this.inputGain.connect(this.recognitionTap);
    this.broadcastGain.connect(this.floor);
    this.inputGain.connect(this.monitorGain).connect(this.context.destination);
    const recognitionOut = this.context.createMediaStreamDestination();
    recognitionOut.channelCount = 1;
    this.recognitionTap.connect(recognitionOut);
    this.recognitionStream = recognitionOut.stream;
    const track = this.destination.stream.getAudioTracks()[0];
    if (!track) throw new Error("this browser gives no track from a MediaStreamAudioDestinationNode");
    this.originalTrack = track;
  }

  /** What listeners of the original language get (see the class comment). */
  get broadcastTrack(): MediaStreamTrack {
    return this.passThrough ?? this.originalTrack;
  }

  /** Sends the device track as is, or the graph's, as the settings now allow. */
  private updatePassThrough(): void {
    const wanted =
      this.deviceTrack?.readyState === "live" && graphIsIdentity(this.channelChoice, this.channelCount, this.gainDb);
    if (wanted === (this.passThrough !== undefined)) return;
    const old = this.passThrough;
    this.passThrough = undefined;
    if (wanted && this.deviceTrack) {
      this.passThrough = this.deviceTrack.clone();
      this.passThrough.enabled = this.broadcasting;
    }
    this.onBroadcastTrackChange?.();
    old?.stop();
  }

  /** Opens the device with the settings' processing switches; closes the previous one. */
  async open(settings: AudioSettings): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        ...(settings.deviceId ? { deviceId: { exact: settings.deviceId } } : {}),
        channelCount: { ideal: 32 },
        echoCancellation: settings.echoCancellation,
        noiseSuppression: settings.noiseSuppression,
        autoGainControl: settings.autoGainControl,
      },
    });
    this.closeDevice();
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (!track) throw new Error("the audio input delivered no track");
    this.deviceTrack = track;
    this.source = this.context.createMediaStreamSource(stream);
    // The source node reports the stream's channel count; getSettings can lag behind on some devices.
    this.channelCount = Math.max(1, track.getSettings().channelCount ?? this.source.channelCount ?? 1);
    this.source.channelCountMode = "explicit";
    this.source.channelCount = this.channelCount;
    this.splitter = this.context.createChannelSplitter(this.channelCount);
    this.source.connect(this.splitter);
    this.selectChannels(settings.channel);
    this.setGainDb(settings.gainDb);
    this.setMonitor(settings.monitor);
    if (this.context.state === "suspended") await this.context.resume().catch(() => undefined);
  }

  /** Routes one channel (mono) or an adjacent pair (stereo) of the device into the graph. */
  selectChannels(choice: string): void {
    if (!this.splitter) return;
    const { choice: used, indexes } = effectiveChannels(choice, this.channelCount);
    this.channelChoice = used;
    this.merger?.disconnect();
    for (const a of this.analysers) a.disconnect();
    this.splitter.disconnect();
    if (this.meterSplitter) this.inputGain.disconnect(this.meterSplitter);
    const merger = this.context.createChannelMerger(indexes.length);
    indexes.forEach((channel, input) => {
      this.splitter!.connect(merger, channel, input);
    });
    merger.connect(this.inputGain);
    this.merger = merger;
    // Meters read after the gain: what the presenter sets is what listeners get.
    const meterSplitter = this.context.createChannelSplitter(indexes.length);
    this.inputGain.connect(meterSplitter);
    this.meterSplitter = meterSplitter;
    this.analysers = indexes.map((_, output) => {
      const analyser = this.context.createAnalyser();
      analyser.fftSize = 2048;
      meterSplitter.connect(analyser, output, 0);
      return analyser;
    });
    this.buffers = this.analysers.map((a) => new Float32Array(a.fftSize));
    this.updatePassThrough();
  }

  setGainDb(db: number): void {
    this.gainDb = db;
    this.inputGain.gain.setTargetAtTime(dbToGain(db), this.context.currentTime, 0.01);
    this.updatePassThrough();
  }

  /**
   * Silences what listeners get and what the recognizer hears (pause and mute); the meter
   * keeps moving so the presenter still sees the input.
   */
  setBroadcasting(on: boolean): void {
    this.broadcasting = on;
    if (this.passThrough) this.passThrough.enabled = on;
    this.broadcastGain.gain.setTargetAtTime(on ? 1 : 0, this.context.currentTime, 0.01);
    this.recognitionTap.gain.setTargetAtTime(on ? 1 : 0, this.context.currentTime, 0.01);
  }

  setMonitor(on: boolean): void {
    this.monitorGain.gain.setTargetAtTime(on ? 1 : 0, this.context.currentTime, 0.01);
  }

  /** The latest time-domain block of each picked channel, after the input gain. */
  readChannels(): Float32Array[] {
    this.analysers.forEach((a, i) => {
      a.getFloatTimeDomainData(this.buffers[i]!);
    });
    return this.buffers;
  }

  closeDevice(): void {
    this.source?.disconnect();
    this.splitter?.disconnect();
    this.merger?.disconnect();
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.source = undefined;
    this.splitter = undefined;
    this.merger = undefined;
    this.stream = undefined;
    this.deviceTrack = undefined;
    this.updatePassThrough();
  }

  async close(): Promise<void> {
    this.closeDevice();
    this.originalTrack.stop();
    await this.context.close().catch(() => undefined);
  }
}
