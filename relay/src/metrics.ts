import { RELAY_METRICS } from "@babelcast/protocol/relayCloud";

/**
 * The relay's load as a CloudWatch metric, without an SDK call: one CloudWatch Embedded Metric
 * Format (EMF) line on stdout, which the task's `awslogs` log driver sends to CloudWatch Logs,
 * which extracts the metric. EMF spec:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * Logs sent with PutLogEvents (as the awslogs driver does) need no special header for the
 * extraction: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Generation_PutLogEvents.html
 *
 * The Fargate service's target tracking policy (infra/lib/constructs/relayService.ts) scales on
 * the Average of this metric over the service's tasks: the names are shared with it in protocol.
 */
export { RELAY_METRICS };

/**
 * One EMF line (no trailing newline) saying this task forwards `viewers` listeners now.
 * `now` is epoch milliseconds, as the spec's `Timestamp` asks.
 */
export function viewersMetricLine(serviceName: string, viewers: number, now: number): string {
  if (serviceName.trim() === "")
    throw new Error("viewersMetricLine: serviceName is empty; pass the ECS service's name");
  // CloudWatch refuses NaN and Infinity; a negative count is a bug upstream, never a load.
  if (!Number.isInteger(viewers) || viewers < 0) {
    throw new Error(`viewersMetricLine: viewers must be a whole number ≥ 0, got ${viewers}`);
  }
  if (!Number.isFinite(now) || now < 0)
    throw new Error(`viewersMetricLine: now must be epoch milliseconds, got ${now}`);
  return JSON.stringify({
    _aws: {
      Timestamp: Math.floor(now),
      CloudWatchMetrics: [
        {
          Namespace: RELAY_METRICS.namespace,
          Dimensions: [[RELAY_METRICS.serviceDimension]],
          Metrics: [{ Name: RELAY_METRICS.viewersPerTask, Unit: "Count" }],
        },
      ],
    },
    [RELAY_METRICS.serviceDimension]: serviceName,
    [RELAY_METRICS.viewersPerTask]: viewers,
  });
}
