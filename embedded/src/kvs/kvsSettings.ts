import { z } from "zod";
import { FaultSettings } from "../faults.js";

/** Name of the KVS emulator's section in `D/embedded.json`. */
export const KVS_SETTINGS_SECTION = "kinesisvideo";

/** One STUN or TURN server handed out by GetIceServerConfig (on a LAN none is needed). */
export const IceServerSetting = z.object({
  uris: z.array(z.string().regex(/^(stun|stuns|turn|turns):/)).min(1),
  username: z.string().default(""),
  password: z.string().default(""),
});
export type IceServerSetting = z.infer<typeof IceServerSetting>;

/**
 * Limits and timings of the KVS WebRTC emulator. Every default is AWS's published quota
 * (kvswebrtc-limits), so code that works here fits AWS; tests shrink the durations.
 */
export const KvsSettings = z.object({
  maxViewersPerChannel: z.number().int().min(1).max(10_000).default(10),
  maxMessagePayloadBytes: z.number().int().min(64).max(1_048_576).default(10_240),
  connectsPerSecondPerChannel: z.number().min(0.1).max(100_000).default(3),
  sdpOffersPerSecond: z.number().min(0.1).max(100_000).default(5),
  sdpAnswersPerSecond: z.number().min(0.1).max(100_000).default(5),
  iceCandidatesPerSecond: z.number().min(0.1).max(100_000).default(20),
  maxConnectionSeconds: z.number().min(0.1).max(86_400).default(3600),
  goAwayBeforeSeconds: z.number().min(0).max(86_400).default(60),
  idleTimeoutSeconds: z.number().min(0.1).max(86_400).default(600),
  /** Cap on messages kept per channel for a master that is not connected. */
  maxPendingMessagesPerChannel: z.number().int().min(0).max(100_000).default(100),
  maxChannels: z.number().int().min(1).max(1_000_000).default(10_000),
  iceServers: z.array(IceServerSetting).default([]),
  iceServerTtlSeconds: z.number().int().min(30).max(86_400).default(300),
  faults: FaultSettings,
});
export type KvsSettings = z.infer<typeof KvsSettings>;
