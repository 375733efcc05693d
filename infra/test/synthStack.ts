import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { addBabelcastStacks, type BabelcastAppOptions } from "../lib/babelcastApp.js";

/** A deployment outside us-east-1, so the listener site's firewall is a cross-region reference as for most admins. */
export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "eu-west-1";

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL("../cdk.json", import.meta.url), "utf8")) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * Synthesizes the stack once, without esbuild bundling (the bundling test covers that)
 * and without CDK's built-in template linter (slow; `npm run synth` still runs it). Tiny
 * builds stand in for `listener-web/dist` and the console renderer.
 */
export function synthBabelcast(options: Partial<BabelcastAppOptions> = {}) {
  const siteDir = mkdtempSync(join(tmpdir(), "babelcast-site-"));
  writeFileSync(join(siteDir, "index.html"), "<!doctype html><title>listener</title>");
  const consoleDir = mkdtempSync(join(tmpdir(), "babelcast-console-"));
  writeFileSync(join(consoleDir, "index.html"), "<!doctype html><title>console</title>");
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [] },
  });
  const { main: stack, listenerSiteFirewall } = addBabelcastStacks(app, {
    stackName: "Test",
    account: TEST_ACCOUNT,
    region: TEST_REGION,
    listenerSiteDir: siteDir,
    consoleSiteDir: consoleDir,
    alarmEmail: "ops@example.com",
    ...options,
  });
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    listenerSiteFirewall,
    firewallTemplate: Template.fromStack(listenerSiteFirewall),
  };
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}
