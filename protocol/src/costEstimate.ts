/**
 * What a session costs on AWS: the formula `docs/deploy.md` explains and the console's
 * running estimate calls with what it has measured so far. Pure; prices are parameters.
 */

/** On-demand list prices in USD, us-east-1, as published in November 2026 (first pricing tier). */
export interface AwsPrices {
  readonly transcribeStreamingPerMinute: number;
  readonly translatePerCharacter: number;
  readonly pollyNeuralPerCharacter: number;
  readonly pollyStandardPerCharacter: number;
  /** KVS WebRTC: a signaling channel active in a month is billed for that month. */
  readonly kvsChannelMonth: number;
  readonly kvsSignalingMessage: number;
  readonly kvsTurnMinute: number;
  readonly webSocketMessage: number;
  readonly webSocketConnectionMinute: number;
  /**
   * AppSync Events: one operation is a connect, a subscribe, an inbound published event or
   * one outbound delivery (5 KB units); connection minutes are billed apart.
   */
  readonly eventApiOperation: number;
  readonly eventApiConnectionMinute: number;
  readonly httpApiRequest: number;
  readonly lambdaRequest: number;
  /** Arm64 (Graviton) duration price. */
  readonly lambdaGbSecond: number;
  readonly dynamoWriteRequestUnit: number;
  readonly dynamoReadRequestUnit: number;
}

export const US_EAST_1_PRICES: AwsPrices = {
  transcribeStreamingPerMinute: 0.024,
  translatePerCharacter: 15 / 1e6,
  pollyNeuralPerCharacter: 16 / 1e6,
  pollyStandardPerCharacter: 4 / 1e6,
  kvsChannelMonth: 0.03,
  kvsSignalingMessage: 2.25 / 1e6,
  kvsTurnMinute: 0.12 / 1000,
  webSocketMessage: 1 / 1e6,
  webSocketConnectionMinute: 0.25 / 1e6,
  eventApiOperation: 1 / 1e6,
  eventApiConnectionMinute: 0.08 / 1e6,
  httpApiRequest: 1 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
};

/** Assumptions used where the caller has not measured the real number. */
export const COST_ASSUMPTIONS = {
  /** About 145 spoken words a minute at 5.5 characters a word (spaces included). */
  charactersPerMinute: 800,
  /** One committed segment every 5 seconds. */
  segmentsPerMinute: 12,
  /** Partial transcripts the console sends (captions-in-progress). */
  partialsPerMinute: 60,
  /** Share of listeners who follow the source language: partials are delivered to them only. */
  sourceLanguageListenerShare: 0.2,
  /** WebSocket frames (32 KB billing increments) of synthesized speech per segment and language. */
  speechFramesPerSegment: 4,
  /** Share of WebRTC listeners whose audio is relayed through KVS TURN. */
  relayedShare: 0.2,
  /** Offer, answer and ICE candidates both ways, per signaling connection. */
  signalingMessagesPerConnect: 24,
  /** KVS signaling connections last at most an hour, so every peer reconnects hourly. */
  signalingConnectionMinutes: 60,
  viewersPerChannel: 10,
  defaultAudioCapacity: 100,
  /** HTTP calls per listener per hour (join, viewer URL refreshes) and per session (owner). */
  joinRequestsPerListenerHour: 2,
  ownerRequestsPerSession: 10,
  lambdaMemoryGb: 0.5,
  /** Average billed duration of a short handler (message, join, connect). */
  lambdaSecondsPerInvocation: 0.05,
  /** Segment handler: persist, Translate and Polly per language in parallel, fan-out. */
  lambdaSecondsPerSegment: 1.5,
  /** Writes per segment besides one per translation; per join (listener, connection). */
  dynamoWritesPerSegment: 1,
  dynamoWritesPerJoin: 2,
  /** Reads per segment (the session); captions are published once per language, not per listener. */
  dynamoReadsPerSegment: 1,
} as const;

export interface SessionUsage {
  /** Minutes of transcribed speech (the session's live time). */
  readonly minutes: number;
  /** Target languages with at least one listener (translation and speech run once per language). */
  readonly targetLanguages: number;
  /** How many of those languages use a neural Polly voice; the rest use standard. Default: all. */
  readonly neuralLanguages?: number;
  /** Concurrent listeners (average over the session). */
  readonly listeners: number;
  /** The session's audio capacity: listeners past it get captions only. Default 100. */
  readonly audioCapacity?: number;
  /** Source characters committed so far, when measured; default from `charactersPerMinute`. */
  readonly sourceCharacters?: number;
  /** Segments committed so far, when measured; default from `segmentsPerMinute`. */
  readonly segments?: number;
}

export type CostService =
  | "Transcribe"
  | "Translate"
  | "Polly"
  | "Kinesis Video Streams"
  | "API Gateway"
  | "AppSync Events"
  | "Lambda"
  | "DynamoDB";

export interface CostLine {
  readonly service: CostService;
  /** What is billed, in words: "48000 characters x 3 languages". */
  readonly detail: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** Total scaled to one hour of session (0 for a session of zero minutes). */
  readonly perHourUsd: number;
}

/**
 * Estimates a session's AWS cost. Per service:
 *
 * - Transcribe = minutes x price/min
 * - Translate  = characters x languages x price/char
 * - Polly      = characters x (neural x neural price + standard x standard price)
 * - KVS        = channels x channel-month + connects x messages/connect x price/message
 *                + relayed listeners x minutes x TURN price/min,
 *                channels = ceil(audio listeners / 10), connects = (audio listeners + channels) x ceil(minutes / 60)
 * - API Gateway = WebSocket messages (console segments and partials, listeners' hello and
 *                language, speech frames to the console) + connection minutes + HTTP requests
 * - AppSync Events = operations (each listener's connect and subscribe every hour, one
 *                published event per caption and language and per partial, one delivery per
 *                caption to every listener and per partial to source-language listeners)
 *                + listener connection minutes
 * - Lambda     = invocations x request price + GB-seconds x duration price
 * - DynamoDB   = write units (segment, its translations, joins) + read units
 */
export function estimateSessionCost(usage: SessionUsage, prices: AwsPrices = US_EAST_1_PRICES): CostEstimate {
  const a = COST_ASSUMPTIONS;
  const minutes = nonNegative(usage.minutes, "minutes");
  const languages = nonNegative(usage.targetLanguages, "targetLanguages");
  const neural = Math.min(languages, nonNegative(usage.neuralLanguages ?? languages, "neuralLanguages"));
  const listeners = nonNegative(usage.listeners, "listeners");
  const audioListeners = Math.min(
    listeners,
    nonNegative(usage.audioCapacity ?? a.defaultAudioCapacity, "audioCapacity"),
  );
  const characters = nonNegative(usage.sourceCharacters ?? minutes * a.charactersPerMinute, "sourceCharacters");
  const segments = nonNegative(usage.segments ?? minutes * a.segmentsPerMinute, "segments");
  const partials = minutes * a.partialsPerMinute;
  const hours = Math.ceil(minutes / a.signalingConnectionMinutes);

  const channels = minutes > 0 ? Math.ceil(audioListeners / a.viewersPerChannel) : 0;
  const connects = (audioListeners + channels) * hours;
  const signalingMessages = connects * a.signalingMessagesPerConnect;
  const turnMinutes = audioListeners * a.relayedShare * minutes;

  const speechFrames = segments * languages * a.speechFramesPerSegment;
  // Listeners send hello and a language choice; the console sends segments and partials.
  const inboundMessages = segments + partials + listeners * 2;
  const webSocketMessages = inboundMessages + speechFrames;
  const connectionMinutes = (listeners + 1) * minutes;

  // Captions, partials and status reach listeners through the caption Event API.
  const eventConnects = listeners * 2 * hours;
  const publishedEvents = segments * languages + partials;
  const eventDeliveries = segments * listeners + partials * listeners * a.sourceLanguageListenerShare;
  const eventOperations = eventConnects + publishedEvents + eventDeliveries;
  const eventConnectionMinutes = listeners * minutes;
  const httpRequests = minutes > 0 ? listeners * a.joinRequestsPerListenerHour * hours + a.ownerRequestsPerSession : 0;

  const connectEvents = (listeners + 1) * 2 * hours;
  const shortInvocations = partials + listeners * 2 + httpRequests + connectEvents;
  const invocations = shortInvocations + segments + eventConnects;
  // The caption authorizer runs for each listener's connect and subscribe.
  const gbSeconds =
    a.lambdaMemoryGb *
    ((shortInvocations + eventConnects) * a.lambdaSecondsPerInvocation + segments * a.lambdaSecondsPerSegment);

  const writeUnits = segments * (a.dynamoWritesPerSegment + languages) + listeners * a.dynamoWritesPerJoin * hours;
  const readUnits = segments * a.dynamoReadsPerSegment + shortInvocations + eventConnects;

  const lines: CostLine[] = [
    {
      service: "Transcribe",
      detail: `${round(minutes)} streaming minutes`,
      usd: minutes * prices.transcribeStreamingPerMinute,
    },
    {
      service: "Translate",
      detail: `${round(characters)} characters x ${languages} languages`,
      usd: characters * languages * prices.translatePerCharacter,
    },
    {
      service: "Polly",
      detail: `${round(characters)} characters x (${neural} neural + ${languages - neural} standard) voices`,
      usd:
        characters * neural * prices.pollyNeuralPerCharacter +
        characters * (languages - neural) * prices.pollyStandardPerCharacter,
    },
    {
      service: "Kinesis Video Streams",
      detail: `${channels} channels, ${round(signalingMessages)} signaling messages, ${round(turnMinutes)} TURN minutes`,
      usd:
        channels * prices.kvsChannelMonth +
        signalingMessages * prices.kvsSignalingMessage +
        turnMinutes * prices.kvsTurnMinute,
    },
    {
      service: "API Gateway",
      detail: `${round(webSocketMessages)} WebSocket messages, ${round(connectionMinutes)} connection minutes, ${round(httpRequests)} HTTP requests`,
      usd:
        webSocketMessages * prices.webSocketMessage +
        connectionMinutes * prices.webSocketConnectionMinute +
        httpRequests * prices.httpApiRequest,
    },
    {
      service: "AppSync Events",
      detail: `${round(eventOperations)} operations (${round(publishedEvents)} published, ${round(eventDeliveries)} deliveries), ${round(eventConnectionMinutes)} connection minutes`,
      usd: eventOperations * prices.eventApiOperation + eventConnectionMinutes * prices.eventApiConnectionMinute,
    },
    {
      service: "Lambda",
      detail: `${round(invocations)} invocations, ${round(gbSeconds)} GB-seconds (arm64)`,
      usd: invocations * prices.lambdaRequest + gbSeconds * prices.lambdaGbSecond,
    },
    {
      service: "DynamoDB",
      detail: `${round(writeUnits)} write units, ${round(readUnits)} read units (on-demand)`,
      usd: writeUnits * prices.dynamoWriteRequestUnit + readUnits * prices.dynamoReadRequestUnit,
    },
  ];
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { lines, totalUsd, perHourUsd: minutes > 0 ? (totalUsd * 60) / minutes : 0 };
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number of at least 0 (got ${value})`);
  }
  return value;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
