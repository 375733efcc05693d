import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { BabelcastStack, type BabelcastStackProps } from "../lib/babelcastStack.js";

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL("../cdk.json", import.meta.url), "utf8")) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * Synthesizes the stack once, without esbuild bundling (the bundling test covers that)
 * and without CDK's built-in template linter (slow; `npm run synth` still runs it). A tiny
 * listener build stands in for `listener-web/dist`.
 */
export function synthBabelcast(props: BabelcastStackProps = {}) {
  const siteDir = mkdtempSync(join(tmpdir(), "babelcast-site-"));
  writeFileSync(join(siteDir, "index.html"), "<!doctype html><title>listener</title>");
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [] },
  });
  const stack = new BabelcastStack(app, "Test", {
    listenerSiteDir: siteDir,
    alarmEmail: "ops@example.com",
    ...props,
  });
  return { app, stack, template: Template.fromStack(stack) };
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
