import { KvsError } from "./kvsErrors.js";
import type { KvsSettings } from "./kvsSettings.js";
import { TokenBucket } from "./tokenBucket.js";

export type SignalingRole = "MASTER" | "VIEWER";

/** What the relay needs of a connected socket; the WebSocket layer (or a test fake) provides it. */
export interface SignalingPeer {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export const CLIENT_ID_RE = /^[a-zA-Z0-9_.-]{1,256}$/;
const CORRELATION_ID_RE = /^[a-zA-Z0-9_.-]{1,256}$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ACTIONS = ["SDP_OFFER", "SDP_ANSWER", "ICE_CANDIDATE"] as const;
type Action = (typeof ACTIONS)[number];

/** Close code and reason when a newer connection with the same identity takes over. */
export const CLOSE_REPLACED = { code: 1000, reason: "a newer connection with the same client id took over" };

export type RelayLimits = Pick<
  KvsSettings,
  | "maxViewersPerChannel"
  | "maxMessagePayloadBytes"
  | "connectsPerSecondPerChannel"
  | "sdpOffersPerSecond"
  | "sdpAnswersPerSecond"
  | "iceCandidatesPerSecond"
  | "maxPendingMessagesPerChannel"
>;

/** One live signaling connection as the relay sees it. */
export class SignalingConnection {
  readonly buckets: Record<Action, TokenBucket>;
  open = true;
  constructor(
    readonly channelArn: string,
    readonly role: SignalingRole,
    /** The viewer's client id; undefined for the master. */
    readonly clientId: string | undefined,
    readonly peer: SignalingPeer,
    limits: RelayLimits,
    now: number,
  ) {
    this.buckets = {
      SDP_OFFER: new TokenBucket(limits.sdpOffersPerSecond, now),
      SDP_ANSWER: new TokenBucket(limits.sdpAnswersPerSecond, now),
      ICE_CANDIDATE: new TokenBucket(limits.iceCandidatesPerSecond, now),
    };
  }
}

interface PendingMessage {
  readonly text: string;
  readonly expiresAt: number;
}

class ChannelRoom {
  master: SignalingConnection | undefined;
  readonly viewers = new Map<string, SignalingConnection>();
  readonly pendingForMaster: PendingMessage[] = [];
  connects: TokenBucket;
  constructor(rate: number, now: number) {
    this.connects = new TokenBucket(rate, now);
  }
  get empty(): boolean {
    return !this.master && this.viewers.size === 0 && this.pendingForMaster.length === 0;
  }
}

export interface RelayStats {
  connections: number;
  channels: number;
  relayed: number;
  queued: number;
  rejected: number;
  ignored: number;
}

export interface SignalingRelayOptions {
  readonly limits: RelayLimits;
  /** The channel's MessageTtlSeconds: how long messages wait for an absent master. */
  readonly messageTtlSeconds: (channelArn: string) => number;
  readonly now?: () => number;
}

/**
 * The signaling relay of a KVS channel, apart from sockets: who is connected where, the
 * per-channel and per-connection limits, and routing of SDP offers, answers and ICE
 * candidates with AWS's sender/recipient rules.
 */
export class SignalingRelay {
  private readonly rooms = new Map<string, ChannelRoom>();
  private readonly now: () => number;
  readonly stats: RelayStats = { connections: 0, channels: 0, relayed: 0, queued: 0, rejected: 0, ignored: 0 };

  constructor(private readonly options: SignalingRelayOptions) {
    this.now = options.now ?? Date.now;
  }

  private room(arn: string): ChannelRoom {
    let r = this.rooms.get(arn);
    if (!r) {
      r = new ChannelRoom(this.options.limits.connectsPerSecondPerChannel, this.now());
      this.rooms.set(arn, r);
      this.stats.channels = this.rooms.size;
    }
    return r;
  }

  private dropRoomIfUnused(arn: string, r: ChannelRoom): void {
    if (r.empty && r.connects.idle(this.now())) {
      this.rooms.delete(arn);
      this.stats.channels = this.rooms.size;
    }
  }

  /**
   * Checks whether a connection may join (connect rate, viewer count). Throws
   * ClientLimitExceededException otherwise. Call `attach` right after, synchronously.
   */
  admit(channelArn: string, role: SignalingRole, clientId: string | undefined): void {
    const r = this.room(channelArn);
    if (!r.connects.take(this.now())) {
      throw new KvsError(
        "ClientLimitExceededException",
        `More than ${this.options.limits.connectsPerSecondPerChannel} connections per second to this channel: retry after a moment.`,
      );
    }
    if (role === "VIEWER" && clientId !== undefined && !r.viewers.has(clientId)) {
      if (r.viewers.size >= this.options.limits.maxViewersPerChannel) {
        throw new KvsError(
          "ClientLimitExceededException",
          `This channel already has ${this.options.limits.maxViewersPerChannel} viewers connected, the most it admits.`,
        );
      }
    }
  }

  /**
   * Registers an admitted connection; a previous one with the same identity is closed: "If more
   * than one client connects as master to a specific channel, then the most recent request takes
   * precedence" (https://docs.aws.amazon.com/kinesisvideostreams-webrtc-dg/latest/devguide/ConnectAsMaster.html).
   * A presenter hand-off relies on it: the new console's master connection replaces the old one's.
   */
  attach(
    channelArn: string,
    role: SignalingRole,
    clientId: string | undefined,
    peer: SignalingPeer,
  ): SignalingConnection {
    const existing = this.rooms.get(channelArn);
    const previous = role === "MASTER" ? existing?.master : existing?.viewers.get(clientId ?? "");
    if (previous) this.evict(previous, CLOSE_REPLACED.code, CLOSE_REPLACED.reason);
    // Looked up after the eviction, which may have dropped an emptied room.
    const r = this.room(channelArn);
    const conn = new SignalingConnection(channelArn, role, clientId, peer, this.options.limits, this.now());
    if (role === "MASTER") r.master = conn;
    else r.viewers.set(clientId ?? "", conn);
    this.stats.connections += 1;
    if (role === "MASTER") this.flushPending(r, conn);
    return conn;
  }

  /** Forgets a connection whose socket closed. Safe to call twice. */
  detach(conn: SignalingConnection): void {
    if (!conn.open) return;
    conn.open = false;
    this.stats.connections -= 1;
    const r = this.rooms.get(conn.channelArn);
    if (!r) return;
    if (conn.role === "MASTER" && r.master === conn) r.master = undefined;
    if (conn.role === "VIEWER" && r.viewers.get(conn.clientId ?? "") === conn) r.viewers.delete(conn.clientId ?? "");
    this.dropRoomIfUnused(conn.channelArn, r);
  }

  /** Detaches and closes a connection. */
  evict(conn: SignalingConnection, code: number, reason: string): void {
    this.detach(conn);
    try {
      conn.peer.close(code, reason);
    } catch {
      // the socket is already gone
    }
  }

  /** Closes every connection of a channel (it was deleted) and drops what waited for its master. */
  closeChannel(channelArn: string, code: number, reason: string): void {
    const r = this.rooms.get(channelArn);
    if (!r) return;
    for (const conn of [...r.viewers.values(), ...(r.master ? [r.master] : [])]) this.evict(conn, code, reason);
    this.rooms.delete(channelArn);
    this.stats.channels = this.rooms.size;
  }

  /** Every live connection, for shutdown. */
  connections(): SignalingConnection[] {
    const out: SignalingConnection[] = [];
    for (const r of this.rooms.values()) {
      if (r.master) out.push(r.master);
      out.push(...r.viewers.values());
    }
    return out;
  }

  viewerCount(channelArn: string): number {
    return this.rooms.get(channelArn)?.viewers.size ?? 0;
  }

  private flushPending(r: ChannelRoom, master: SignalingConnection): void {
    const now = this.now();
    const pending = r.pendingForMaster.splice(0);
    for (const m of pending) {
      if (m.expiresAt < now) continue;
      this.deliver(master, m.text);
    }
  }

  private deliver(to: SignalingConnection, text: string): void {
    try {
      to.peer.send(text);
      this.stats.relayed += 1;
    } catch {
      // the recipient's socket failed; its close handler detaches it
    }
  }

  private fail(from: SignalingConnection, correlationId: string | undefined, error: KvsError): void {
    this.stats.rejected += 1;
    // AWS answers a bad message only when the sender gave a correlationId to answer to.
    if (correlationId === undefined) return;
    const response = {
      messageType: "STATUS_RESPONSE",
      statusResponse: {
        correlationId,
        errorType: error.type,
        statusCode: String(error.status),
        description: error.message,
      },
    };
    try {
      from.peer.send(JSON.stringify(response));
    } catch {
      // the sender's socket failed; nothing to tell it
    }
  }

  /** Handles one text frame from a client. Never throws: bad input is answered or dropped. */
  receive(from: SignalingConnection, text: string): void {
    if (!from.open) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.stats.ignored += 1;
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      this.stats.ignored += 1;
      return;
    }
    const m = message as Record<string, unknown>;
    const correlationId =
      typeof m.correlationId === "string" && CORRELATION_ID_RE.test(m.correlationId) ? m.correlationId : undefined;
    if (m.correlationId !== undefined && m.correlationId !== null && correlationId === undefined) {
      this.stats.ignored += 1;
      return;
    }
    const action = m.action;
    if (typeof action !== "string" || !(ACTIONS as readonly string[]).includes(action)) {
      this.fail(
        from,
        correlationId,
        new KvsError("InvalidArgumentException", "action must be SDP_OFFER, SDP_ANSWER or ICE_CANDIDATE."),
      );
      return;
    }
    const payload = m.messagePayload;
    if (typeof payload !== "string" || payload.length === 0 || !BASE64_RE.test(payload)) {
      this.fail(
        from,
        correlationId,
        new KvsError("InvalidArgumentException", "messagePayload must be a non-empty base64 string."),
      );
      return;
    }
    if (payload.length > this.options.limits.maxMessagePayloadBytes) {
      this.fail(
        from,
        correlationId,
        new KvsError(
          "InvalidArgumentException",
          `messagePayload is longer than ${this.options.limits.maxMessagePayloadBytes} bytes.`,
        ),
      );
      return;
    }
    if (!from.buckets[action as Action].take(this.now())) {
      this.fail(
        from,
        correlationId,
        new KvsError("ClientLimitExceededException", `Too many ${action} messages per second on this connection.`),
      );
      return;
    }
    const r = this.rooms.get(from.channelArn);
    if (!r) return;

    if (from.role === "VIEWER") {
      // A viewer always talks to the master; AWS ignores any recipientClientId it gives.
      const out = JSON.stringify({ messageType: action, messagePayload: payload, senderClientId: from.clientId });
      if (r.master) {
        this.deliver(r.master, out);
        return;
      }
      const limit = this.options.limits.maxPendingMessagesPerChannel;
      if (limit === 0) return;
      const now = this.now();
      while (r.pendingForMaster.length > 0 && (r.pendingForMaster[0]?.expiresAt ?? 0) < now) r.pendingForMaster.shift();
      if (r.pendingForMaster.length >= limit) r.pendingForMaster.shift();
      r.pendingForMaster.push({ text: out, expiresAt: now + this.options.messageTtlSeconds(from.channelArn) * 1000 });
      this.stats.queued += 1;
      return;
    }

    const recipient = m.recipientClientId;
    if (typeof recipient !== "string" || !CLIENT_ID_RE.test(recipient)) {
      this.fail(
        from,
        correlationId,
        new KvsError("InvalidArgumentException", "recipientClientId is required from the master."),
      );
      return;
    }
    const to = r.viewers.get(recipient);
    if (!to) {
      this.fail(
        from,
        correlationId,
        new KvsError("InvalidArgumentException", `No viewer with client id ${recipient} is connected to this channel.`),
      );
      return;
    }
    this.deliver(to, JSON.stringify({ messageType: action, messagePayload: payload }));
  }
}
