/**
 * Retries one language's engine call with exponential backoff and full jitter. Each
 * language retries on its own promise, so a throttled language never delays the others.
 * Pure given `sleep` and `random`.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 };

/** Delay before retry `attempt` (1 = the first retry): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** AWS error names that no retry can fix (the request itself is wrong). */
const PERMANENT_ERRORS = new Set([
  "UnsupportedLanguagePairException",
  "TextSizeLimitExceededException",
  "TextLengthExceededException",
  "InvalidSsmlException",
  "InvalidSampleRateException",
  "EngineNotSupportedException",
  "LanguageNotSupportedException",
  "ValidationException",
  "InvalidRequestException",
  "ResourceNotFoundException",
  "InvalidSignatureException",
  "UnrecognizedClientException",
  "AccessDeniedException",
]);

/** Throttling, server errors and dropped connections are worth retrying; bad requests are not. */
export function isRetryable(err: unknown): boolean {
  const name = (err as { name?: unknown } | undefined)?.name;
  return !(typeof name === "string" && PERMANENT_ERRORS.has(name));
}

export type RetryOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

export interface RetryRuntime {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly retryable?: (err: unknown) => boolean;
  readonly onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
}

export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  runtime: RetryRuntime,
): Promise<RetryOutcome<T>> {
  const retryable = runtime.retryable ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await operation(), attempts: attempt };
    } catch (error) {
      if (attempt >= policy.maxAttempts || !retryable(error)) return { ok: false, error, attempts: attempt };
      const delay = backoffDelayMs(attempt, policy, runtime.random);
      runtime.onRetry?.(attempt, error, delay);
      await runtime.sleep(delay);
    }
  }
}
