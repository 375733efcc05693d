import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { FunctionPool, type PoolStats } from "./functionPool.js";
import { bundleHandler } from "./handlerBundles.js";
import { FunctionError } from "./lambdaContainer.js";
import type { LambdaSettings } from "./lambdaSettings.js";

/**
 * Synchronous invocation payloads (request and response) are limited to 6 MB.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface LambdaFunctionDefinition {
  readonly name: string;
  /** Source file exporting `handler` (bundled before it runs). */
  readonly entry: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
}

export interface LambdaRuntimeOptions {
  readonly functions: readonly LambdaFunctionDefinition[];
  readonly settings: LambdaSettings;
  readonly region: string;
  readonly accountId: string;
  readonly log: Logger;
  /** Where bundles are cached (tests may isolate it). */
  readonly bundleCacheDir?: string;
}

/** Lambda's error when a payload is over the limit (the function never runs). */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly direction: "request" | "response",
    readonly bytes: number,
  ) {
    super(`${direction} payload of ${bytes} bytes is over Lambda's ${MAX_SYNC_PAYLOAD_BYTES}-byte limit`);
    this.name = direction === "request" ? "RequestTooLargeException" : "ResponseSizeTooLarge";
  }
}

/** The event exactly as Lambda delivers it: JSON text, so anything JSON cannot carry is gone. */
export function toEventPayload(event: unknown): string {
  const payload = JSON.stringify(event ?? null);
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_SYNC_PAYLOAD_BYTES) throw new PayloadTooLargeError("request", bytes);
  return payload;
}

function fromResultPayload(payload: string): unknown {
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_SYNC_PAYLOAD_BYTES) throw new PayloadTooLargeError("response", bytes);
  return JSON.parse(payload);
}

/** The embedded Lambda service: every function in its own pool of isolated execution environments. */
export class LambdaRuntime {
  private constructor(private readonly pools: ReadonlyMap<string, FunctionPool>) {}

  /** Bundles every function's code, then makes its pool; no container starts before its first invocation. */
  static async start(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
    const urls = await Promise.all(options.functions.map((f) => bundleHandler(f.entry, options.bundleCacheDir)));
    const pools = new Map<string, FunctionPool>();
    options.functions.forEach((f, i) => {
      const spec = {
        functionName: f.name,
        handlerUrl: urls[i] as string,
        memorySize: f.memorySize,
        timeoutSeconds: f.timeoutSeconds,
        environment: f.environment,
        region: options.region,
        accountId: options.accountId,
        log: options.log,
      };
      pools.set(f.name, new FunctionPool(spec, options.settings));
    });
    return new LambdaRuntime(pools);
  }

  /**
   * A synchronous invocation (RequestResponse): the result as parsed JSON, or a
   * FunctionError with the runtime's errorType and errorMessage.
   */
  async invoke<T = unknown>(functionName: string, event: unknown): Promise<T> {
    const pool = this.pools.get(functionName);
    if (!pool) throw new Error(`no function named ${functionName}`);
    return fromResultPayload(await pool.invoke(toEventPayload(event))) as T;
  }

  stats(functionName: string): PoolStats {
    const pool = this.pools.get(functionName);
    if (!pool) throw new Error(`no function named ${functionName}`);
    return pool.stats();
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

export { FunctionError };
