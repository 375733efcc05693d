/**
 * What the cloud relay task (an ECS Fargate task running `relay/src/agent.ts`) and the stack
 * that runs it (`infra/lib/constructs/relayService.ts`) must agree on: the environment the
 * task gets, and the CloudWatch metric its service scales on.
 */

/** Environment variables of a relay task. Secret values are never here: only a secret's ARN. */
export const RELAY_TASK_ENV = {
  /** The HTTP API's base URL, where the relay registers (`POST /relays`) and heartbeats. */
  apiUrl: "BABELCAST_API_URL",
  /** ARN of the Secrets Manager secret holding the relay key; the task reads the value at start. */
  relayKeySecretArn: "BABELCAST_RELAY_KEY_SECRET_ARN",
  /** Listeners one task forwards at most (the backend assigns no more to it). */
  capacity: "BABELCAST_RELAY_CAPACITY",
  /** The ECS service's name: the `Service` dimension of the task's metric. */
  serviceName: "BABELCAST_RELAY_SERVICE",
  /** First and last UDP port the relay's peer connections bind (the security group opens exactly these). */
  portRangeBegin: "BABELCAST_RELAY_PORT_BEGIN",
  portRangeEnd: "BABELCAST_RELAY_PORT_END",
} as const;

/** The metric a relay task publishes (as Embedded Metric Format lines) and its service scales on. */
export const RELAY_METRICS = {
  namespace: "Babelcast/Relays",
  viewersPerTask: "ViewersPerTask",
  /** The one dimension: the ECS service's name, so each deployment's relays scale on their own. */
  serviceDimension: "Service",
} as const;
