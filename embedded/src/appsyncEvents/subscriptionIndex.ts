import { subscriptionKey, subscriptionKeys } from "./channelPaths.js";

/** Where a subscription's frames go: one realtime connection (its socket's send queue). */
export interface FrameSink {
  /**
   * Queues one publish's frames, in order. A sink whose queue is already past its bound when a
   * publish arrives drops itself instead (one publish never drops a subscriber that keeps up).
   */
  deliver(frames: readonly string[]): void;
}

/** One `subscribe` that succeeded: its id on its connection and the channel (or wildcard) it covers. */
export interface Subscription {
  readonly id: string;
  readonly key: string;
  readonly sink: FrameSink;
  /** `{"type":"data","id":"<id>","event":` — built once, so a delivery is one concatenation. */
  readonly framePrefix: string;
}

export function newSubscription(id: string, path: string, wildcard: boolean, sink: FrameSink): Subscription {
  return {
    id,
    key: subscriptionKey(path, wildcard),
    sink,
    framePrefix: `{"type":"data","id":${JSON.stringify(id)},"event":`,
  };
}

/**
 * Every live subscription of the Event API, indexed by channel (and by wildcard prefix), so a
 * publish finds its subscribers with at most five map lookups. Each event's JSON text is encoded
 * once per publish and each subscriber gets one `data` frame per event, in publish order
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html).
 */
export class SubscriptionIndex {
  private readonly byKey = new Map<string, Set<Subscription>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(subscription: Subscription): void {
    let set = this.byKey.get(subscription.key);
    if (!set) {
      set = new Set();
      this.byKey.set(subscription.key, set);
    }
    if (!set.has(subscription)) {
      set.add(subscription);
      this.count += 1;
    }
  }

  remove(subscription: Subscription): void {
    const set = this.byKey.get(subscription.key);
    if (!set?.delete(subscription)) return;
    this.count -= 1;
    if (set.size === 0) this.byKey.delete(subscription.key);
  }

  /** Sends each event to every subscription that covers `path`; returns the number of frames queued. */
  publish(path: string, events: readonly string[]): number {
    const subscribers: Subscription[] = [];
    for (const key of subscriptionKeys(path)) {
      const set = this.byKey.get(key);
      if (set) subscribers.push(...set);
    }
    if (subscribers.length === 0) return 0;
    // The `event` field carries the event's JSON text as a JSON string: encoded once per event.
    const encoded = events.map((event) => `${JSON.stringify(event)}}`);
    for (const subscription of subscribers) {
      subscription.sink.deliver(encoded.map((tail) => subscription.framePrefix + tail));
    }
    return subscribers.length * encoded.length;
  }
}
