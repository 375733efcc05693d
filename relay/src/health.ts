import { statSync, writeFileSync } from "node:fs";

/**
 * Liveness of a relay task, for the container's health check: a file touched by `markAlive`
 * (today the container entry, every 5 s while the agent process runs; better, the agent after
 * each heartbeat the backend accepts), and `relay/src/healthcheck.ts` (run by ECS every 30 s)
 * fails when the file is older than `RELAY_ALIVE_MAX_AGE_MS`, so ECS replaces the task.
 */
export const RELAY_ALIVE_FILE = "/tmp/babelcast-relay-alive";
/** Heartbeats come every ~1 s; a few missed ones are a blip, 30 s is a relay that is gone. */
export const RELAY_ALIVE_MAX_AGE_MS = 30_000;

export function markAlive(path: string = RELAY_ALIVE_FILE, now: number = Date.now()): void {
  writeFileSync(path, String(now));
}

/** Whether the last mark is recent enough; a missing file (never marked) is not alive. */
export function isAlive(
  path: string = RELAY_ALIVE_FILE,
  now: number = Date.now(),
  maxAgeMs: number = RELAY_ALIVE_MAX_AGE_MS,
): boolean {
  try {
    return now - statSync(path).mtimeMs <= maxAgeMs;
  } catch {
    return false;
  }
}
