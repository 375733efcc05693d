#!/usr/bin/env node
import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { BabelcastStack } from "../lib/babelcastStack.js";

const app = new App();
const stackName = app.node.tryGetContext("stackName") ?? "Babelcast";
const budget = Number(app.node.tryGetContext("monthlyBudgetUsd") ?? 50);
const alarmEmail: string | undefined = app.node.tryGetContext("alarmEmail");
// "existing": the account's API Gateway settings already name a CloudWatch Logs role managed elsewhere.
const apiGatewayLogsRole = app.node.tryGetContext("apiGatewayLogsRole") ?? "create";

const stack = new BabelcastStack(app, stackName, {
  description: "Babelcast: live speech translation broadcast (sessions, APIs, listener site)",
  monthlyBudgetUsd: budget,
  createApiGatewayLogsRole: apiGatewayLogsRole !== "existing",
  ...(alarmEmail ? { alarmEmail } : {}),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Tags.of(stack).add("project", "babelcast");
// Synthesis fails on any unacknowledged AwsSolutions error.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
