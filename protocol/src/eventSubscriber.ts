/// <reference lib="dom" />
/**
 * A subscriber to one channel of an AppSync Events API (or the embedded server's
 * implementation of its wire protocol), for browsers: no dependencies, so the listener page
 * (20 KB gzip in all) can afford it. One channel per connection: a new channel is a new subscriber.
 *
 * Wire protocol (https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html):
 * - open the realtime URL offering the subprotocols `aws-appsync-event-ws` and
 *   `header-<base64url(JSON auth object)>`, without padding; for Lambda (and Cognito/OIDC)
 *   authorization the object is `{host, Authorization}`, where `host` is the HTTP endpoint's
 *   host, not the realtime one;
 * - send `connection_init`, wait for `connection_ack {connectionTimeoutMs}`; the service then
 *   sends `ka` periodically, and a client that hears nothing for connectionTimeoutMs must close;
 * - `subscribe {id, channel, authorization}` → `subscribe_success {id}` or
 *   `subscribe_error {id, errors}`; a refused connect is `connection_error {errors}`;
 * - each event arrives as `data {id, event}`, `event` being the event's JSON text.
 */

export interface EventSubscriberOptions {
  /** `wss://<realtime-domain>/event/realtime`. */
  readonly realtimeUrl: string;
  /** `https://<http-domain>/event`: its host is the `host` the service authorizes. */
  readonly httpUrl: string;
  /** The `Authorization` value (a Lambda authorizer's token). */
  readonly token: string;
  readonly channel: string;
  /** One published event, parsed from its JSON text (not validated). */
  readonly onEvent: (event: unknown) => void;
  /** The service accepted the subscription: events published from now on arrive. */
  readonly onSubscribed: () => void;
  /**
   * The subscription is over (never after `close()`). `refused`: the service turned the
   * connection or the subscription down (`message` says why, e.g. an expired token);
   * otherwise the socket dropped or went silent.
   */
  readonly onClose: (refused: boolean, message?: string) => void;
}

/** The subprotocol every Event API client offers. */
export const EVENT_WS_PROTOCOL = "aws-appsync-event-ws";

/** How long to wait for the connection and its `connection_ack` (Amplify's client gives up on the ack after 15 s). */
export const EVENT_ACK_TIMEOUT_MS = 15_000;

/** When `connection_ack` names no timeout: the service's usual value (Amplify's default). */
export const EVENT_DEFAULT_TIMEOUT_MS = 300_000;

/** base64url of the UTF-8 text, without padding, as the `header-` subprotocol carries it. */
export const base64Url = (text: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

interface ServerMessage {
  type?: string;
  id?: string;
  event?: string;
  connectionTimeoutMs?: number;
  errors?: { errorType?: string; message?: string }[];
}

export class EventSubscriber {
  /** Ends the subscription and the connection; `onClose` is not called. */
  declare close: () => void;

  constructor(o: EventSubscriberOptions) {
    const authorization = { host: new URL(o.httpUrl).host, Authorization: o.token };
    const socket = new WebSocket(o.realtimeUrl, [
      EVENT_WS_PROTOCOL,
      `header-${base64Url(JSON.stringify(authorization))}`,
    ]);
    const send = (message: object) => socket.send(JSON.stringify(message));
    const id = `${Date.now()}-${Math.random()}`;
    let timeout = EVENT_ACK_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let open = true;
    const end = (report: boolean, refused = false, message?: string) => {
      if (!open) return;
      open = false;
      clearTimeout(timer);
      socket.close();
      if (report) o.onClose(refused, message);
    };
    /** Any message proves the connection alive; silence for `timeout` ends it. */
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => end(true, false, "no keep-alive"), timeout);
    };
    this.close = () => end(false);
    // A connection that hangs on bad Wi-Fi counts against the ack's timeout too.
    watch();
    socket.onopen = () => send({ type: "connection_init" });
    socket.onclose = () => end(true);
    socket.onmessage = (e) => {
      let m: ServerMessage;
      let event: unknown;
      try {
        m = JSON.parse(e.data);
        if (m.type === "data") event = JSON.parse(m.event as string);
      } catch {
        // Not JSON: not a message of this protocol, or an event that is not ours to show.
        return;
      }
      if (!open) return;
      if (m.type === "connection_ack") {
        timeout = m.connectionTimeoutMs || EVENT_DEFAULT_TIMEOUT_MS;
        send({ type: "subscribe", id, channel: o.channel, authorization });
      }
      watch();
      if (m.id !== undefined && m.id !== id) return;
      if (m.type === "subscribe_success") o.onSubscribed();
      else if (m.type === "data") o.onEvent(event);
      else if (m.type === "subscribe_error" || m.type === "connection_error") {
        const error = m.errors?.[0];
        end(true, true, error?.message ?? error?.errorType ?? m.type);
      }
    };
  }
}
