/**
 * ECS task scale-in protection for a relay task that forwards audio: the service scales in on
 * its average load (infra/lib/constructs/relayService.ts), and without protection ECS may stop
 * any task, including one whose listeners are mid-talk (they would reconnect elsewhere, with a
 * gap). A task with listeners protects itself; one without lifts it, so scale-in takes idle
 * tasks. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection.html
 *
 * The ECS container agent serves `PUT $ECS_AGENT_URI/task-protection/v1/state` with
 * `{"ProtectionEnabled": bool, "ExpiresInMinutes": 1..2880}` to every container of a task that
 * belongs to a service, and injects `ECS_AGENT_URI`:
 * https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-scale-in-protection-endpoint.html
 * The agent calls UpdateTaskProtection with the task role, which therefore needs
 * `ecs:UpdateTaskProtection` on its own task.
 */

/** What one PUT asks for: the endpoint's request body. */
export interface ProtectionRequest {
  readonly ProtectionEnabled: boolean;
  readonly ExpiresInMinutes?: number;
}

/** The last request the endpoint accepted. */
export interface ProtectionState {
  readonly enabled: boolean;
  readonly sentAt: number;
}

/**
 * Protection lasts this long without renewal: short, so that a relay that hangs (and stops
 * renewing) becomes eligible for scale-in again within a quarter of an hour; AWS allows 1 to 2,880.
 */
export const PROTECTION_MINUTES = 15;
/** Renewed this often while listeners remain: a third of the period, so a failed renewal has two more tries. */
export const PROTECTION_RENEW_MS = (PROTECTION_MINUTES * 60_000) / 3;

/**
 * The request to send now, or undefined when the task's protection is already what it should
 * be. Protected while it forwards at least one listener and is not draining (a draining relay
 * wants to stop). Pure.
 */
export function protectionRequest(
  last: ProtectionState | undefined,
  listeners: number,
  draining: boolean,
  now: number,
): ProtectionRequest | undefined {
  const wanted = listeners > 0 && !draining;
  if (wanted) {
    const fresh = last?.enabled === true && now - last.sentAt < PROTECTION_RENEW_MS;
    return fresh ? undefined : { ProtectionEnabled: true, ExpiresInMinutes: PROTECTION_MINUTES };
  }
  // Unknown (never sent) counts as unprotected: a new task starts unprotected.
  return last?.enabled === true ? { ProtectionEnabled: false } : undefined;
}

/** Keeps the task's protection in step with its listeners through the container agent's endpoint. */
export class TaskProtection {
  private last: ProtectionState | undefined;
  private inFlight = false;

  constructor(
    private readonly agentUri: string,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  /** Call on every load report; sends at most one request at a time. */
  async update(listeners: number, draining: boolean, now: number): Promise<void> {
    const request = protectionRequest(this.last, listeners, draining, now);
    if (!request || this.inFlight) return;
    this.inFlight = true;
    try {
      const res = await fetch(`${this.agentUri.replace(/\/+$/, "")}/task-protection/v1/state`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(5_000),
      });
      const body = await res.text();
      // The endpoint answers 200 with {"protection": ...}, or {"failure": ...} / {"error": ...} (documented above).
      if (!res.ok || /"(failure|error)"\s*:/.test(body)) {
        this.log("task protection refused", { status: res.status, body: body.slice(0, 500) });
        return;
      }
      this.last = { enabled: request.ProtectionEnabled, sentAt: now };
    } catch (err) {
      // The state stays as it was: the next report tries again.
      this.log("task protection unreachable", { error: String(err) });
    } finally {
      this.inFlight = false;
    }
  }
}
