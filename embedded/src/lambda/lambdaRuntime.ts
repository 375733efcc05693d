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

function checkResultPayload(payload: string): string {
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_SYNC_PAYLOAD_BYTES) throw new PayloadTooLargeError("response", bytes);
  return payload;
}

/**
 * The embedded Lambda service: every function in its own pool of isolated execution
 * environments. A function's code is bundled at its first invocation (from the cache when
 * its inputs have not changed), so a server starts without waiting for esbuild.
 */
export class LambdaRuntime {
  private readonly pools = new Map<string, Promise<FunctionPool>>();
  private readonly definitions: ReadonlyMap<string, LambdaFunctionDefinition>;

  private constructor(private readonly options: LambdaRuntimeOptions) {
    this.definitions = new Map(options.functions.map((f) => [f.name, f]));
  }

  static async start(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
    return new LambdaRuntime(options);
  }

  private pool(functionName: string): Promise<FunctionPool> {
    const existing = this.pools.get(functionName);
    if (existing) return existing;
    const definition = this.definitions.get(functionName);
    if (!definition) return Promise.reject(new Error(`no function named ${functionName}`));
    const { options } = this;
    const pool = bundleHandler(definition.entry, options.bundleCacheDir).then(
      (handlerUrl) =>
        new FunctionPool(
          {
            functionName,
            handlerUrl,
            memorySize: definition.memorySize,
            timeoutSeconds: definition.timeoutSeconds,
            environment: definition.environment,
            region: options.region,
            accountId: options.accountId,
            log: options.log,
          },
          options.settings,
        ),
    );
    // A failed build is not kept: the next invocation bundles again (the source may be fixed by then).
    pool.catch(() => this.pools.delete(functionName));
    this.pools.set(functionName, pool);
    return pool;
  }

  /**
   * A synchronous invocation (RequestResponse): the result as parsed JSON, or a
   * FunctionError with the runtime's errorType and errorMessage.
   */
  async invoke<T = unknown>(functionName: string, event: unknown): Promise<T> {
    return JSON.parse(await this.invokePayload(functionName, toEventPayload(event))) as T;
  }

  /** Whether a function of this name exists. */
  has(functionName: string): boolean {
    return this.definitions.has(functionName);
  }

  /**
   * A synchronous invocation with the event as JSON text (as Lambda's Invoke API receives it):
   * the result as JSON text, or a FunctionError; PayloadTooLargeError past the 6 MB limits.
   */
  async invokePayload(functionName: string, payload: string): Promise<string> {
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_SYNC_PAYLOAD_BYTES) throw new PayloadTooLargeError("request", bytes);
    const pool = await this.pool(functionName);
    return checkResultPayload(await pool.invoke(payload));
  }

  /** What a function's pool has done so far (nothing before its first invocation). */
  async stats(functionName: string): Promise<PoolStats> {
    return (await this.pool(functionName)).stats();
  }

  async close(): Promise<void> {
    const pools = await Promise.allSettled(this.pools.values());
    this.pools.clear();
    await Promise.all(pools.map((p) => (p.status === "fulfilled" ? p.value.close() : undefined)));
  }
}

export { FunctionError };
