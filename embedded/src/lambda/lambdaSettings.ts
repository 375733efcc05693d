import { z } from "zod";

/** Section of `D/embedded.json` for the Lambda runtime. */
export const LAMBDA_SETTINGS_SECTION = "lambda";

/**
 * How the embedded Lambda runtime keeps execution environments. Lambda runs several per
 * function under load and recycles them at times of its choosing, so handlers must not rely
 * on module state: these settings make that happen here, on purpose and often.
 */
export const LambdaSettings = z.object({
  /** Environments per function; invocations are spread across them (Lambda: one per concurrent request). */
  containersPerFunction: z.number().int().min(1).max(16).default(3),
  /** An environment is replaced after this many invocations. */
  recycleAfterInvocations: z.number().int().min(1).default(50),
  /** An environment with no invocation for this long is shut down. */
  recycleAfterIdleMs: z.number().int().min(10).default(60_000),
});
export type LambdaSettings = z.infer<typeof LambdaSettings>;
