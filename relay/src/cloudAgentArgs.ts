import { RelayClientId } from "@babelcast/protocol/relay";
import { RELAY_TASK_ENV } from "@babelcast/protocol/relayCloud";

/** How the cloud entry starts the relay agent (`relay/src/agent.ts`) from a task's environment. */
export interface CloudAgentLaunch {
  /** The agent's command-line arguments (`--api`, `--relay-id`, `--capacity`, `--metrics-service`). */
  readonly args: readonly string[];
  /** Where the relay key is: read at start, passed to the agent only in its own process environment. */
  readonly keySecretArn: string;
  readonly region: string;
}

/**
 * The relay id of a Fargate task: `relay-` and the task's id (the last part of its ARN,
 * `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`), so each task registers as itself and
 * a replaced task never inherits its predecessor's listeners.
 */
export function relayIdFromTaskArn(taskArn: string): string {
  const id = /^arn:[^:]+:ecs:[^:]+:\d{12}:task\/(?:[^/]+\/)?([A-Za-z0-9-]+)$/.exec(taskArn)?.[1];
  if (!id) throw new Error(`not an ECS task ARN: "${taskArn}"`);
  return RelayClientId.parse(`relay-${id}`);
}

/**
 * The agent's launch from the variables the stack sets (`infra/lib/constructs/relayService.ts`).
 * Every missing or malformed variable is named in one error, so a bad deployment says all that
 * is wrong at once.
 */
export function cloudAgentLaunch(env: NodeJS.ProcessEnv, relayId: string): CloudAgentLaunch {
  const problems: string[] = [];
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set`);
    return value ?? "";
  };
  const api = need(RELAY_TASK_ENV.apiUrl);
  const keySecretArn = need(RELAY_TASK_ENV.relayKeySecretArn);
  const capacity = need(RELAY_TASK_ENV.capacity);
  const serviceName = need(RELAY_TASK_ENV.serviceName);
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || "";
  if (!region) problems.push("AWS_REGION is not set (ECS sets it in every task)");
  if (api && !/^https:\/\/[^\s/]+/.test(api))
    problems.push(`${RELAY_TASK_ENV.apiUrl} must be an https URL, got "${api}"`);
  if (capacity && !/^[1-9]\d*$/.test(capacity)) {
    problems.push(`${RELAY_TASK_ENV.capacity} must be a whole number ≥ 1, got "${capacity}"`);
  }
  if (keySecretArn && !/^arn:[^:]+:secretsmanager:/.test(keySecretArn)) {
    problems.push(`${RELAY_TASK_ENV.relayKeySecretArn} must be a Secrets Manager secret ARN`);
  }
  if (problems.length > 0) throw new Error(`relay task: ${problems.join("; ")}`);
  return {
    args: ["--api", api, "--relay-id", relayId, "--capacity", capacity, "--metrics-service", serviceName],
    keySecretArn,
    region,
  };
}
