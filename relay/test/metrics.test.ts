import { describe, expect, it } from "vitest";
import { RELAY_METRICS, viewersMetricLine } from "../src/metrics.js";

describe("viewersMetricLine", () => {
  it("writes one EMF document naming the metric, its namespace, its Service dimension and the count", () => {
    const line = viewersMetricLine("babelcast-relays", 42, 1_765_000_000_123);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1_765_000_000_123,
        CloudWatchMetrics: [
          {
            Namespace: "Babelcast/Relays",
            Dimensions: [["Service"]],
            Metrics: [{ Name: "ViewersPerTask", Unit: "Count" }],
          },
        ],
      },
      Service: "babelcast-relays",
      ViewersPerTask: 42,
    });
  });

  it("every dimension and metric the directive names is a member of the root, as the EMF spec requires", () => {
    const doc = JSON.parse(viewersMetricLine("svc", 0, 0)) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    };
    const [directive] = doc._aws.CloudWatchMetrics;
    for (const name of [...(directive?.Dimensions.flat() ?? []), ...(directive?.Metrics.map((m) => m.Name) ?? [])]) {
      expect(doc).toHaveProperty(name);
    }
    expect(doc[RELAY_METRICS.viewersPerTask]).toBe(0);
  });

  it("refuses a count that is negative, fractional or not a number, an empty service and a bad time", () => {
    expect(() => viewersMetricLine("svc", -1, 0)).toThrow(/whole number/);
    expect(() => viewersMetricLine("svc", 1.5, 0)).toThrow(/whole number/);
    expect(() => viewersMetricLine("svc", Number.NaN, 0)).toThrow(/whole number/);
    expect(() => viewersMetricLine(" ", 1, 0)).toThrow(/serviceName is empty/);
    expect(() => viewersMetricLine("svc", 1, Number.NaN)).toThrow(/epoch milliseconds/);
  });
});
