import { lookup } from "node:dns/promises";
import { isIPv4 } from "node:net";
import { join } from "node:path";
import type { EmbeddedContext } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { CoturnServer } from "../turn/turnServer.js";
import { TURN_SETTINGS_SECTION, TurnSettings } from "../turn/turnSettings.js";
import { KvsError } from "./kvsErrors.js";
import type { KvsSettings } from "./kvsSettings.js";
import { CLIENT_ID_RE } from "./signalingRelay.js";

/** One entry of GetIceServerConfig's `IceServerList`. */
export interface IceServerEntry {
  readonly Uris: string[];
  readonly Username: string;
  readonly Password: string;
  readonly Ttl: number;
}

export interface IceServerConfigOperation {
  /** GetIceServerConfig: a TURN entry from the embedded coturn, then any configured servers. */
  getIceServerConfig(input: Record<string, unknown>): Promise<{ IceServerList: IceServerEntry[] }>;
  /** The TURN server, started on first use. */
  turnServer(): Promise<CoturnServer>;
  close(): Promise<void>;
}

/**
 * KVS's GetIceServerConfig as AWS answers it: TURN URIs with time-limited credentials (TTL 300 s
 * by default), here from a real coturn the embedded server starts on the first call, so servers
 * that never set up a call run none. A start failure is kept (its message says what to
 * install): restart the embedded server to retry.
 */
export function createIceServerConfig(
  ctx: EmbeddedContext,
  settings: KvsSettings,
  channelExists: (arn: string) => void,
  channelArnPattern: RegExp,
): IceServerConfigOperation {
  const turnSettings = settingsSection(ctx.settings, TURN_SETTINGS_SECTION, TurnSettings);
  let turn: Promise<CoturnServer> | undefined;
  const turnServer = () => {
    turn ??= (async () => {
      const hostname = new URL(ctx.url).hostname;
      const host = isIPv4(hostname) ? hostname : (await lookup(hostname, { family: 4 })).address;
      return CoturnServer.start({
        host,
        workDir: join(ctx.dataDir, "turn"),
        command: turnSettings.command,
        log: ctx.log,
      });
    })();
    return turn;
  };

  return {
    turnServer,
    async getIceServerConfig(input) {
      const arn = input.ChannelARN;
      if (typeof arn !== "string" || !channelArnPattern.test(arn)) {
        throw new KvsError("InvalidArgumentException", "ChannelARN is required and must be a signaling channel ARN.");
      }
      if (input.Service !== undefined && input.Service !== "TURN") {
        throw new KvsError("InvalidArgumentException", "Service must be TURN.");
      }
      if (input.ClientId !== undefined && (typeof input.ClientId !== "string" || !CLIENT_ID_RE.test(input.ClientId))) {
        throw new KvsError("InvalidArgumentException", "ClientId must be 1 to 256 characters of [a-zA-Z0-9_.-].");
      }
      channelExists(arn);
      const configured: IceServerEntry[] = settings.iceServers.map((s) => ({
        Uris: s.uris,
        Username: s.username,
        Password: s.password,
        Ttl: settings.iceServerTtlSeconds,
      }));
      if (!turnSettings.enabled) return { IceServerList: configured };
      let server: CoturnServer;
      try {
        server = await turnServer();
      } catch (err) {
        ctx.log.error("GetIceServerConfig has no TURN server", { error: (err as Error).message });
        throw new KvsError("InternalFailure", `No TURN server: ${(err as Error).message}`);
      }
      const name = typeof input.ClientId === "string" ? input.ClientId : "master";
      const { username, password, ttlSeconds } = server.credentials(name, settings.iceServerTtlSeconds);
      return {
        IceServerList: [{ Uris: server.uris, Username: username, Password: password, Ttl: ttlSeconds }, ...configured],
      };
    },
    async close() {
      const started = await turn?.catch(() => undefined);
      await started?.stop();
    },
  };
}
