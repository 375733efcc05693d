import { fileURLToPath } from "node:url";

/**
 * The Lambda functions of the backend and how each runs: one row per handler entry. The
 * cloud stack (`infra/lib/handlerEntries.ts`) deploys each row as a function with this
 * memory and timeout, and the embedded server's Lambda runtime runs the same file in
 * containers with the same limits, so a handler that overruns here overruns in AWS too.
 */

export type FunctionId =
  | "HttpApiFunction"
  | "WebSocketFunction"
  | "ConnectAuthorizerFunction"
  | "CaptionAuthorizerFunction"
  | "CleanupFunction"
  | "PoolGrowthFunction";

export interface FunctionSettings {
  /** Construct id of the function (PascalCase); also its name in the embedded runtime. */
  readonly id: FunctionId;
  /** Path inside `backend/src/handlers` of a file exporting `handler`. */
  readonly file: string;
  /** Memory in MB (Lambda: 128 to 10,240). */
  readonly memorySize: number;
  /** Timeout in seconds (Lambda: at most 900; API Gateway cuts integrations at 29 s). */
  readonly timeoutSeconds: number;
}

/** Lambda's defaults in this project: 512 MB, 10 s. */
const DEFAULTS = { memorySize: 512, timeoutSeconds: 10 } as const;

export const FUNCTION_SETTINGS: Readonly<Record<FunctionId, FunctionSettings>> = {
  HttpApiFunction: {
    id: "HttpApiFunction",
    file: "lambda/httpApi.ts",
    ...DEFAULTS,
    // A join may wait for the pool-growth function, then fetch a channel's endpoints and ICE servers.
    timeoutSeconds: 20,
  },
  WebSocketFunction: {
    id: "WebSocketFunction",
    file: "lambda/webSocketApi.ts",
    // Segments are translated and synthesized into every active language within one invocation.
    memorySize: 1024,
    timeoutSeconds: 29,
  },
  ConnectAuthorizerFunction: { id: "ConnectAuthorizerFunction", file: "lambda/connectAuthorizer.ts", ...DEFAULTS },
  // One token check and two key reads per connect or subscribe: small and quick, because every
  // listener's connect and subscribe waits for it (AppSync Events calls it before answering).
  CaptionAuthorizerFunction: {
    id: "CaptionAuthorizerFunction",
    file: "lambda/captionAuthorizer.ts",
    memorySize: 256,
    timeoutSeconds: 5,
  },
  CleanupFunction: { id: "CleanupFunction", file: "cleanup.ts", ...DEFAULTS, timeoutSeconds: 300 },
  // Creates one KVS channel and tells the console: well inside the join's own timeout.
  PoolGrowthFunction: { id: "PoolGrowthFunction", file: "lambda/poolGrowth.ts", ...DEFAULTS },
};

export const FUNCTION_IDS = Object.keys(FUNCTION_SETTINGS) as FunctionId[];

/** Absolute path of a function's handler file (this table sits in `backend/src/handlers`). */
export function handlerFile(settings: Pick<FunctionSettings, "file">): string {
  return fileURLToPath(new URL(settings.file, import.meta.url));
}
