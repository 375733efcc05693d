import { EVENT_API_LIMITS } from "@babelcast/protocol";
import type { WebSocket } from "ws";
import { readChannel } from "./channelPaths.js";
import type { EventApiSettings } from "./eventApiSettings.js";
import type { EventApiAuthorizer } from "./lambdaAuthorizer.js";
import { type FrameSink, newSubscription, type Subscription, type SubscriptionIndex } from "./subscriptionIndex.js";

/**
 * One client of the Event API's realtime endpoint, speaking its WebSocket protocol
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html):
 * `connection_init` → `connection_ack {connectionTimeoutMs}`, then `ka` every period;
 * `subscribe {id, channel, authorization}` → `subscribe_success`/`subscribe_error`;
 * `data {id, event}` per event; `unsubscribe {id}` → `unsubscribe_success`/`unsubscribe_error`.
 */

export interface ProtocolError {
  readonly errorType: string;
  readonly message: string;
  readonly errorCode?: number;
}

/** How the connect went: the token and headers its auth object carried, or why it was refused. */
export type ConnectVerdict =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly error: ProtocolError };

/** What every connection shares: the API's subscriptions, authorizer, settings and accepted hosts. */
export interface RealtimeContext {
  readonly index: SubscriptionIndex;
  readonly authorizer: EventApiAuthorizer;
  readonly settings: EventApiSettings;
  /** Checks a frame's `authorization` object: its token, or why it is refused. */
  readonly readAuthorization: (value: unknown) => { token: string; headers: Record<string, string> } | ProtocolError;
  readonly onClosed: (connection: RealtimeConnection) => void;
}

/** Close code for a subscriber dropped because its send queue passed the bound (RFC 6455: 1008 policy violation). */
export const SLOW_SUBSCRIBER_CLOSE = 1008;

const unauthorized = (message: string): ProtocolError => ({ errorType: "UnauthorizedException", message });
const badRequest = (message: string): ProtocolError => ({ errorType: "BadRequestException", message });

export class RealtimeConnection implements FrameSink {
  private acknowledged = false;
  private closed = false;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Subscribe ids waiting for the authorizer: they count toward the limit and may not be reused. */
  private readonly pending = new Set<string>();

  constructor(
    private readonly socket: WebSocket,
    private readonly verdict: ConnectVerdict,
    private readonly api: RealtimeContext,
  ) {
    socket.on("message", (data, isBinary) => {
      if (this.closed) return;
      // The protocol is JSON text; a binary frame is not a message of it.
      if (isBinary) return this.socket.close(1003, "binary frames are not supported");
      const text = (Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).toString("utf8");
      void this.receive(text);
    });
    socket.on("close", () => this.shutDown());
    socket.on("error", () => socket.terminate());
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /**
   * Queues frames unless the client stopped reading: a connection whose queue is past the bound
   * is dropped, not waited for, so one slow phone never holds up a publish to everyone else.
   */
  deliver(frames: readonly string[]): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.api.settings.maxSubscriberBufferBytes) {
      this.drop();
      return;
    }
    for (const frame of frames) this.socket.send(frame);
  }

  private reply(message: Record<string, unknown>): void {
    this.deliver([JSON.stringify(message)]);
  }

  /** A subscriber too slow to take its frames: closed at once (its queue is never flushed). */
  private drop(): void {
    this.shutDown();
    this.socket.terminate();
  }

  private shutDown(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    for (const subscription of this.subscriptions.values()) this.api.index.remove(subscription);
    this.subscriptions.clear();
    this.api.onClosed(this);
  }

  /** Closes the socket (the server stops). */
  close(code: number, reason: string): void {
    this.shutDown();
    this.socket.close(code, reason);
  }

  private async receive(text: string): Promise<void> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.reply({ type: "error", errors: [badRequest("the message is not JSON")] });
      return;
    }
    const m = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
    switch (m.type) {
      case "connection_init":
        return this.init();
      case "subscribe":
        return this.subscribe(m);
      case "unsubscribe":
        return this.unsubscribe(m);
      case "publish":
        // Publishing is IAM-only on this API (the backend, over HTTP); a Lambda token may not publish.
        this.reply({
          type: "publish_error",
          id: typeof m.id === "string" ? m.id : undefined,
          errors: [unauthorized("publishing on this API requires IAM authorization over HTTP")],
        });
        return;
      default:
        this.reply({
          type: "error",
          ...(typeof m.id === "string" ? { id: m.id } : {}),
          errors: [badRequest(`unsupported message type ${JSON.stringify(m.type ?? null)}`)],
        });
    }
  }

  private init(): void {
    if (!this.verdict.ok) {
      this.reply({ type: "connection_error", errors: [this.verdict.error] });
      this.socket.close(1000, "connection refused");
      this.shutDown();
      return;
    }
    if (this.acknowledged) return;
    this.acknowledged = true;
    this.reply({ type: "connection_ack", connectionTimeoutMs: this.api.settings.connectionTimeoutMs });
    this.keepAlive = setInterval(() => this.reply({ type: "ka" }), this.api.settings.keepAliveIntervalMs);
    this.keepAlive.unref();
  }

  private async subscribe(m: Record<string, unknown>): Promise<void> {
    const id = m.id;
    const fail = (error: ProtocolError) => this.reply({ type: "subscribe_error", id, errors: [error] });
    if (typeof id !== "string" || id === "" || id.length > 128) {
      this.reply({ type: "error", errors: [badRequest("subscribe needs an id: a string of 1 to 128 characters")] });
      return;
    }
    if (!this.acknowledged || !this.verdict.ok)
      return fail(badRequest("send connection_init and wait for connection_ack first"));
    if (this.subscriptions.has(id) || this.pending.has(id))
      return fail(badRequest(`subscription id ${id} is already in use on this connection`));
    if (this.subscriptions.size + this.pending.size >= EVENT_API_LIMITS.maxSubscriptionsPerConnection)
      return fail({
        errorType: "LimitExceededException",
        message: `a connection may hold at most ${EVENT_API_LIMITS.maxSubscriptionsPerConnection} subscriptions`,
      });
    const channel = readChannel(m.channel, true);
    if (!channel.ok) return fail(badRequest(channel.message));
    const auth = this.api.readAuthorization(m.authorization);
    if ("errorType" in auth) return fail(auth);

    this.pending.add(id);
    const allowed = await this.api.authorizer.authorize({
      token: auth.token,
      operation: "EVENT_SUBSCRIBE",
      namespace: channel.namespace,
      channel: channel.wildcard ? `${channel.path}/*` : channel.path,
      headers: auth.headers,
    });
    this.pending.delete(id);
    if (this.closed) return;
    if (!allowed)
      return fail(unauthorized(`not authorized to subscribe to ${channel.path}${channel.wildcard ? "/*" : ""}`));
    const subscription = newSubscription(id, channel.path, channel.wildcard, this);
    this.subscriptions.set(id, subscription);
    this.api.index.add(subscription);
    this.reply({ type: "subscribe_success", id });
  }

  private unsubscribe(m: Record<string, unknown>): void {
    const id = m.id;
    const subscription = typeof id === "string" ? this.subscriptions.get(id) : undefined;
    if (!subscription) {
      this.reply({
        type: "unsubscribe_error",
        id,
        errors: [badRequest(`there is no subscription ${JSON.stringify(id ?? null)} on this connection`)],
      });
      return;
    }
    this.subscriptions.delete(subscription.id);
    this.api.index.remove(subscription);
    this.reply({ type: "unsubscribe_success", id });
  }
}
