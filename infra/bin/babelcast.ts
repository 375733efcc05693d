#!/usr/bin/env node
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { addBabelcastStacks } from "../lib/babelcastApp.js";

const app = new App();
const stackName = app.node.tryGetContext("stackName") ?? "Babelcast";
const budget = Number(app.node.tryGetContext("monthlyBudgetUsd") ?? 50);
const alarmEmail: string | undefined = app.node.tryGetContext("alarmEmail");
// "existing": the account's API Gateway settings already name a CloudWatch Logs role managed elsewhere.
const apiGatewayLogsRole = app.node.tryGetContext("apiGatewayLogsRole") ?? "create";
// Audio relays on ECS Fargate: `-c relays=true` (docs/deploy.md, "Audio relays"); off by default.
const relays = String(app.node.tryGetContext("relays") ?? "false") === "true";
const contextNumber = (key: string): number | undefined => {
  const value = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`context ${key} must be a number, got "${value}"`);
  return n;
};
const relayOptions = Object.fromEntries(
  (
    [
      ["minTasks", contextNumber("relayMinTasks")],
      ["maxTasks", contextNumber("relayMaxTasks")],
      ["capacityPerTask", contextNumber("relayCapacity")],
    ] as const
  ).filter(([, v]) => v !== undefined),
);
// Days the recordings bucket keeps an uploaded recording (its lifecycle rule); default 30.
const recordingExpireDays = app.node.tryGetContext("recordingExpireDays");

addBabelcastStacks(app, {
  stackName,
  account: process.env.CDK_DEFAULT_ACCOUNT,
  // The CDK CLI always sets a region (AWS_REGION, the profile's, else us-east-1).
  region: process.env.CDK_DEFAULT_REGION ?? "us-east-1",
  description: "Babelcast: live speech translation broadcast (sessions, APIs, listener site)",
  monthlyBudgetUsd: budget,
  createApiGatewayLogsRole: apiGatewayLogsRole !== "existing",
  relays,
  relayOptions,
  ...(alarmEmail ? { alarmEmail } : {}),
  ...(recordingExpireDays !== undefined ? { recordingExpireDays: Number(recordingExpireDays) } : {}),
});
// Synthesis fails on any unacknowledged AwsSolutions error.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
