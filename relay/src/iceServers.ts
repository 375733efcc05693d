import type { IceServer } from "@babelcast/protocol";

/** An ICE server as libdatachannel takes it. */
export interface RtcIceServer {
  hostname: string;
  port: number;
  username?: string;
  password?: string;
  relayType?: "TurnUdp" | "TurnTcp" | "TurnTls";
}

/**
 * The grant's ICE servers (WebRTC `RTCIceServer` shape, as KVS GetIceServerConfig returns them)
 * in libdatachannel's shape. Only STUN and UDP TURN are kept: libjuice ignores TURN over TCP
 * and TLS (libdatachannel#1484), so listing them would only hide that they are unused.
 */
export function toRtcIceServers(servers: readonly IceServer[]): RtcIceServer[] {
  const out: RtcIceServer[] = [];
  for (const server of servers) {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    for (const url of urls) {
      const match = /^(stun|turn|turns):([^:?]+|\[[^\]]+\])(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url.trim());
      if (!match) continue;
      const [, scheme = "", host = "", port, transport] = match;
      const kind = scheme.toLowerCase();
      if (kind === "turns" || (kind === "turn" && transport?.toLowerCase() === "tcp")) continue;
      const hostname = host.replace(/^\[|\]$/g, "");
      if (kind === "stun") {
        out.push({ hostname, port: Number(port ?? 3478) });
        continue;
      }
      out.push({
        hostname,
        port: Number(port ?? 3478),
        relayType: "TurnUdp",
        ...(server.username !== undefined ? { username: server.username } : {}),
        ...(server.credential !== undefined ? { password: server.credential } : {}),
      });
    }
  }
  return out;
}
