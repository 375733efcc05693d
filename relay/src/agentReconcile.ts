import type { RelayCommand } from "@babelcast/protocol/relay";
import type { RelaySessionReport, RelaySessionState } from "@babelcast/protocol/relayRegistry";

type StartCommand = Extract<RelayCommand, { type: "start" }>;
type SessionCommand = Exclude<RelayCommand, StartCommand | { type: "stop" }>;

/** What the agent runs for one session, as far as reconciling needs to know. */
export interface RunningSession {
  readonly languages: readonly string[];
  readonly uplinkArn: string;
  /** Pool channels it masters. */
  readonly channels: ReadonlySet<string>;
  /** Viewers it has assigned, with their language. */
  readonly assigned: ReadonlyMap<string, string>;
}

export type AgentAction =
  | { readonly kind: "start"; readonly sessionId: string; readonly command: StartCommand }
  | { readonly kind: "stop"; readonly sessionId: string }
  | { readonly kind: "command"; readonly sessionId: string; readonly command: SessionCommand };

const sameLanguages = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((l, i) => l === b[i]);

/**
 * The actions that bring what the agent runs to what the backend wants (the heartbeat's
 * answer). Pure. A session it does not run yet starts once the answer carries its uplink grant
 * (it does whenever the heartbeat did not report the session); a session whose languages or
 * uplink changed, or that lost a channel to another relay, is stopped, and started afresh with
 * the grants of a later answer.
 */
export function reconcile(
  running: ReadonlyMap<string, RunningSession>,
  desired: readonly RelaySessionState[],
  relayId: string,
  bindAddress?: string,
): AgentAction[] {
  const actions: AgentAction[] = [];
  const wanted = new Map(desired.map((s) => [s.sessionId, s]));
  for (const sessionId of running.keys()) {
    if (!wanted.has(sessionId)) actions.push({ kind: "stop", sessionId });
  }
  for (const state of desired) {
    let current = running.get(state.sessionId);
    const desiredChannels = new Set(state.channels.map((c) => c.channelArn));
    if (
      current &&
      (!sameLanguages(current.languages, state.languages) ||
        current.uplinkArn !== state.uplink.channelArn ||
        // A channel handed to another relay: masters fight over a KVS channel, so this one lets go of it
        // (the Relay has no way to drop one channel: it starts afresh with the rest).
        [...current.channels].some((arn) => !desiredChannels.has(arn)))
    ) {
      actions.push({ kind: "stop", sessionId: state.sessionId });
      current = undefined;
    }
    if (!current) {
      const upstream = state.uplink.grant;
      if (!upstream) continue;
      actions.push({
        kind: "start",
        sessionId: state.sessionId,
        command: {
          type: "start",
          relayId,
          upstream,
          languages: [...state.languages],
          ...(bindAddress ? { bindAddress } : {}),
        },
      });
    } else if (state.uplink.grant) {
      actions.push({
        kind: "command",
        sessionId: state.sessionId,
        command: { type: "upstreamGrant", grant: state.uplink.grant },
      });
    }
    const assigned = current?.assigned ?? new Map<string, string>();
    for (const channel of state.channels) {
      if (channel.grant) {
        actions.push({
          kind: "command",
          sessionId: state.sessionId,
          command: { type: "addChannel", grant: channel.grant },
        });
      }
    }
    for (const [viewerId, language] of Object.entries(state.viewers)) {
      if (assigned.get(viewerId) !== language) {
        actions.push({ kind: "command", sessionId: state.sessionId, command: { type: "assign", viewerId, language } });
      }
    }
    for (const viewerId of assigned.keys()) {
      if (!(viewerId in state.viewers)) {
        actions.push({ kind: "command", sessionId: state.sessionId, command: { type: "unassign", viewerId } });
      }
    }
  }
  return actions;
}

/** What one session's part of a heartbeat says: upstream state, channels run, grants to renew. */
export function sessionReport(
  upstream: RelaySessionReport["upstream"],
  channels: Iterable<string>,
  renew: Iterable<string>,
): RelaySessionReport {
  return { upstream, channels: [...channels], renew: [...renew] };
}
