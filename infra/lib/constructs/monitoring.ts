import { Duration, Stack } from "aws-cdk-lib";
import type { HttpApi, WebSocketApi } from "aws-cdk-lib/aws-apigatewayv2";
import { CfnBudget } from "aws-cdk-lib/aws-budgets";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface MonitoringProps {
  readonly functions: readonly LambdaFunction[];
  readonly httpApi: HttpApi;
  readonly webSocketApi: WebSocketApi;
  readonly webSocketStageName: string;
  /** The caption Event API and the channel namespace listeners subscribe to. */
  readonly captionEvents?: { readonly apiId: string; readonly namespace: string };
  readonly tables: readonly Table[];
  /** Monthly cost, in USD, past which the budget alarm fires (80 % actual, 100 % forecast). */
  readonly monthlyBudgetUsd: number;
  /** Where alarms and budget notifications are mailed; optional (the SNS topic is always there). */
  readonly alarmEmail?: string;
  /** p99 latency, in milliseconds, past which the HTTP API alarms. */
  readonly apiLatencyP99Ms?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One dashboard and the alarms that matter for a live talk: function errors, throttles and
 * p99 duration, API 5xx and p99 latency, WebSocket integration errors, caption Event API
 * errors (publishes refused or failed, deliveries failing), table throttles; a monthly cost budget. Alarms and the budget notify one encrypted SNS topic.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  readonly budget: CfnBudget;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new Key(this, "AlarmTopicKey", {
      description: "Encrypts Babelcast alarm notifications",
      enableKeyRotation: true,
    });
    for (const service of ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]) {
      key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
        }),
      );
    }
    this.topic = new Topic(this, "AlarmTopic", { masterKey: key, enforceSSL: true, displayName: "Babelcast alarms" });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("budgets.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    const functionRows: GraphWidget[] = [];
    for (const fn of props.functions) {
      const name = fn.node.id;
      const errors = fn.metricErrors({ period: FIVE_MINUTES, statistic: "Sum" });
      const throttles = fn.metricThrottles({ period: FIVE_MINUTES, statistic: "Sum" });
      const p99 = fn.metricDuration({ period: FIVE_MINUTES, statistic: "p99" });
      alarm(`${name}Errors`, errors, 1, `${name}: any error in 5 minutes`);
      alarm(`${name}Throttles`, throttles, 1, `${name}: throttled invocations (concurrency limit)`);
      alarm(
        `${name}DurationP99`,
        p99,
        fn.timeout ? fn.timeout.toMilliseconds() * 0.8 : 8000,
        `${name}: p99 duration near the timeout`,
      );
      functionRows.push(
        new GraphWidget({
          title: name,
          left: [fn.metricInvocations({ period: FIVE_MINUTES }), errors, throttles],
          right: [p99],
          width: 8,
        }),
      );
    }

    const http5xx = props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: "Sum" });
    const httpP99 = props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: "p99" });
    alarm("HttpApi5xx", http5xx, 5, "HTTP API: 5 or more server errors in 5 minutes");
    alarm("HttpApiLatencyP99", httpP99, props.apiLatencyP99Ms ?? 2000, "HTTP API: p99 latency high");

    const wsDimensions = { ApiId: props.webSocketApi.apiId, Stage: props.webSocketStageName };
    const wsMetric = (metricName: string, statistic = "Sum") =>
      new Metric({
        namespace: "AWS/ApiGateway",
        metricName,
        dimensionsMap: wsDimensions,
        statistic,
        period: FIVE_MINUTES,
      });
    alarm("WebSocketIntegrationErrors", wsMetric("IntegrationError"), 5, "WebSocket API: integration errors");
    alarm("WebSocketExecutionErrors", wsMetric("ExecutionError"), 5, "WebSocket API: execution errors (throttling)");

    const captionWidgets = props.captionEvents ? captionEventWidgets(props.captionEvents, alarm) : [];

    const tableThrottles = props.tables.map((table, i) => {
      const throttles = new MathExpression({
        expression: `r${i} + w${i}`,
        usingMetrics: {
          [`r${i}`]: table.metric("ReadThrottleEvents", { statistic: "Sum", period: FIVE_MINUTES }),
          [`w${i}`]: table.metric("WriteThrottleEvents", { statistic: "Sum", period: FIVE_MINUTES }),
        },
        label: `${table.node.id} throttles`,
        period: FIVE_MINUTES,
      });
      alarm(`${table.node.id}Throttles`, throttles, 1, `${table.node.id}: throttled reads or writes`);
      return throttles;
    });

    this.dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: "# Babelcast\nAPIs, functions and tables of this deployment. Alarms notify the alarm topic.",
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "HTTP API",
        left: [props.httpApi.metricCount({ period: FIVE_MINUTES }), http5xx, props.httpApi.metricClientError()],
        right: [httpP99, props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: "p50" })],
        width: 12,
      }),
      new GraphWidget({
        title: "WebSocket API",
        left: [wsMetric("ConnectCount"), wsMetric("MessageCount")],
        right: [wsMetric("IntegrationError"), wsMetric("ExecutionError"), wsMetric("ClientError")],
        width: 12,
      }),
    );
    if (captionWidgets.length > 0) this.dashboard.addWidgets(...captionWidgets);
    this.dashboard.addWidgets(...functionRows);
    this.dashboard.addWidgets(new GraphWidget({ title: "DynamoDB throttles", left: tableThrottles, width: 24 }));

    const stackName = Stack.of(this).stackName;
    this.budget = new CfnBudget(this, "MonthlyCost", {
      budget: {
        budgetName: `${stackName}-monthly-cost`,
        budgetType: "COST",
        timeUnit: "MONTHLY",
        budgetLimit: { amount: props.monthlyBudgetUsd, unit: "USD" },
      },
      notificationsWithSubscribers: [
        { threshold: 80, notificationType: "ACTUAL" },
        { threshold: 100, notificationType: "FORECASTED" },
      ].map(({ threshold, notificationType }) => ({
        notification: {
          notificationType,
          comparisonOperator: "GREATER_THAN",
          threshold,
          thresholdType: "PERCENTAGE",
        },
        subscribers: [{ subscriptionType: "SNS", address: this.topic.topicArn }],
      })),
    });
  }
}

/**
 * The caption Event API's metrics (https://docs.aws.amazon.com/appsync/latest/eventapi/cw-metrics.html):
 * the HTTP endpoint's (dimension EventAPIId) count the backend's publishes, which nothing but
 * our functions send, so any 4XX is a refused publish (signing, permission, throttling) and
 * any 5XX a failed one; the real-time endpoint's (EventAPIId and ChannelNamespaceName) count
 * listeners' connections, subscriptions and deliveries.
 */
export const CAPTION_EVENT_ALARMS = {
  publishRefused: { metric: "4XXError", threshold: 5 },
  publishFailed: { metric: "5XXError", threshold: 1 },
  deliveryFailed: { metric: "PublishDataMessageServerError", threshold: 1 },
} as const;

function captionEventWidgets(
  api: { readonly apiId: string; readonly namespace: string },
  alarm: (alarmId: string, metric: IMetric, threshold: number, description: string) => Alarm,
): GraphWidget[] {
  const http = (metricName: string, statistic = "Sum") =>
    new Metric({
      namespace: "AWS/AppSync",
      metricName,
      dimensionsMap: { EventAPIId: api.apiId },
      statistic,
      period: FIVE_MINUTES,
    });
  const realtime = (metricName: string, statistic = "Sum") =>
    new Metric({
      namespace: "AWS/AppSync",
      metricName,
      dimensionsMap: { EventAPIId: api.apiId, ChannelNamespaceName: api.namespace },
      statistic,
      period: FIVE_MINUTES,
    });
  const { publishRefused, publishFailed, deliveryFailed } = CAPTION_EVENT_ALARMS;
  alarm(
    "CaptionEventsPublish4xx",
    http(publishRefused.metric),
    publishRefused.threshold,
    "Caption Event API: publishes refused (4XX: signature, permission or throttling); captions are not reaching listeners",
  );
  alarm(
    "CaptionEventsPublish5xx",
    http(publishFailed.metric),
    publishFailed.threshold,
    "Caption Event API: publishes failed (5XX)",
  );
  alarm(
    "CaptionEventsDeliveryErrors",
    realtime(deliveryFailed.metric),
    deliveryFailed.threshold,
    "Caption Event API: deliveries to subscribers failed on AppSync's side",
  );
  return [
    new GraphWidget({
      title: "Caption Event API: publishes",
      left: [http("Requests"), http(publishRefused.metric), http(publishFailed.metric)],
      right: [http("Latency", "p99")],
      width: 12,
    }),
    new GraphWidget({
      title: "Caption Event API: listeners",
      left: [realtime("ActiveConnections", "Maximum"), realtime("ActiveSubscriptions", "Maximum")],
      right: [
        realtime("PublishDataMessageSuccess"),
        realtime("PublishDataMessageClientError"),
        realtime(deliveryFailed.metric),
        realtime("SubscribeClientError"),
      ],
      width: 12,
    }),
  ];
}
