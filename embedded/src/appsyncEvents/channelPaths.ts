import { CAPTION_NAMESPACE, CHANNEL_SEGMENT_PATTERN, EVENT_API_LIMITS } from "@babelcast/protocol";

/**
 * Channel paths as AppSync Events reads them. A channel is `/<namespace>/<segment>…`: at most 5
 * segments, each 1–50 characters `[A-Za-z0-9-]` (no dash at either end), and it exists only
 * under a defined namespace (https://docs.aws.amazon.com/appsync/latest/eventapi/channel-namespaces.html,
 * https://docs.aws.amazon.com/appsync/latest/APIReference/API_ChannelNamespace.html). A
 * subscription may end in `/*` (every channel below that path); a publish names one channel
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/create-event-api-tutorial.html, step 3).
 */

/** The namespaces of the Event API the stack deploys: only the captions namespace. */
export const EVENT_API_NAMESPACES: readonly string[] = [CAPTION_NAMESPACE];

export type ChannelPath =
  | {
      readonly ok: true;
      /** Normalized with a leading slash; for a wildcard, without the trailing `/*`. */
      readonly path: string;
      readonly namespace: string;
      readonly wildcard: boolean;
    }
  | { readonly ok: false; readonly message: string };

const refuse = (message: string): ChannelPath => ({ ok: false, message });

/**
 * Reads a channel path; `allowWildcard` for subscriptions. Clients send it with or without the
 * leading slash (AWS's own publish example has none).
 */
export function readChannel(channel: unknown, allowWildcard: boolean): ChannelPath {
  if (typeof channel !== "string" || channel === "") return refuse("channel must be a non-empty string");
  const segments = (channel.startsWith("/") ? channel.slice(1) : channel).split("/");
  const wildcard = segments[segments.length - 1] === "*";
  if (wildcard) {
    if (!allowWildcard) return refuse(`"${channel}": publish to one channel, not a wildcard`);
    segments.pop();
    if (segments.length === 0) return refuse(`"${channel}": a wildcard must follow a namespace`);
  }
  if (segments.length + (wildcard ? 1 : 0) > EVENT_API_LIMITS.maxSegments)
    return refuse(`"${channel}" has more than ${EVENT_API_LIMITS.maxSegments} segments`);
  for (const segment of segments) {
    if (!CHANNEL_SEGMENT_PATTERN.test(segment))
      return refuse(
        `"${channel}": segment "${segment}" must be 1-50 letters, digits or dashes, not starting or ending with a dash`,
      );
  }
  const namespace = segments[0] ?? "";
  if (!EVENT_API_NAMESPACES.includes(namespace))
    return refuse(`"${channel}": there is no channel namespace "${namespace}" on this API`);
  return { ok: true, path: `/${segments.join("/")}`, namespace, wildcard };
}

/**
 * The subscription keys a published channel reaches: itself, then each wildcard over one of its
 * ancestors (`/a/b/c` → `/a/b/c`, `*:/a/b`, `*:/a`). At most 5, so a publish costs a few map lookups.
 */
export function subscriptionKeys(path: string): string[] {
  const keys = [path];
  for (let end = path.lastIndexOf("/"); end > 0; end = path.lastIndexOf("/", end - 1)) {
    keys.push(wildcardKey(path.slice(0, end)));
  }
  return keys;
}

/** The index key of a subscription to `path` (a wildcard's path without its `/*`). */
export function subscriptionKey(path: string, wildcard: boolean): string {
  return wildcard ? wildcardKey(path) : path;
}

function wildcardKey(prefix: string): string {
  return `*:${prefix}`;
}
