import { conflict } from "../../services/apiErrors.js";
import { isRelayChannel } from "../../services/channelPool.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { ensureFirstChannel } from "../shared/channelPoolOps.js";
import { type HttpEvent, type HttpResult, json, requireOwnedSession } from "./httpRequest.js";

/**
 * `GET /sessions/{id}/channels` (owner): a master grant for every channel the console masters
 * (its pool channels and the relays' uplink; relay channels are the relays'), so a restarted
 * console reconnects.
 */
export async function listChannels(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  if (session.status === "ended") throw conflict(`session ${session.sessionId} has ended: start a new one`);
  const current = await ensureFirstChannel(deps, session);
  const channels = await deps.channels.grantMasters([
    ...[...current.channels]
      .filter((c) => !isRelayChannel(c))
      .sort((a, b) => a.index - b.index)
      .map((c) => c.channelArn),
    ...(current.uplink ? [current.uplink.channelArn] : []),
  ]);
  return json(200, { channels });
}
