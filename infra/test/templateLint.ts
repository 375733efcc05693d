import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

/**
 * cfn-lint (AWS's CloudFormation linter) checks a synthesized template against every
 * resource type's schema (property names, types, enums, patterns), per region, offline: it
 * ships the schemas. It catches what cdk-nag does not look at: values CloudFormation
 * would refuse halfway through a deployment.
 */

/** Regions docs/deploy.md names for a deployment: each has KVS WebRTC, Transcribe streaming, Translate, Polly. */
export const LINT_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"] as const;

/** Rules turned off, each with why. */
export const IGNORED_RULES: Readonly<Record<string, string>> = {
  W3005:
    "CDK writes DependsOn on a role next to a Ref/GetAtt of the same role (its policy must exist first); redundant, never wrong.",
};

/**
 * Where cfn-lint's bundled schemas lag behind CloudFormation: a rule turned off for one
 * resource type only (through cfn-lint's resource metadata), each with the reference that
 * shows CloudFormation accepts the template.
 */
export const STALE_SCHEMA_EXCEPTIONS: readonly { resourceType: string; rule: string; reason: string }[] = [
  {
    resourceType: "AWS::CloudWatch::Dashboard",
    rule: "E3002",
    reason:
      "Dashboards take Tags (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html); cfn-lint 1.51's schema predates them.",
  },
  {
    resourceType: "AWS::ApplicationAutoScaling::ScalableTarget",
    rule: "E3002",
    reason:
      "Scalable targets take Tags (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-applicationautoscaling-scalabletarget.html, and RegisterScalableTarget's Tags: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html); cfn-lint's bundled schema predates them.",
  },
];

type TemplateJson = { Resources?: Record<string, { Type: string; Metadata?: Record<string, unknown> }> };

/** A copy of the template with the stale-schema exceptions marked on their resources. */
function withExceptions(template: unknown): unknown {
  const copy = structuredClone(template) as TemplateJson;
  for (const resource of Object.values(copy.Resources ?? {})) {
    const rules = STALE_SCHEMA_EXCEPTIONS.filter((e) => e.resourceType === resource.Type).map((e) => e.rule);
    if (rules.length > 0)
      resource.Metadata = { ...resource.Metadata, "cfn-lint": { config: { ignore_checks: rules } } };
  }
  return copy;
}

export interface LintFinding {
  readonly Level: "Error" | "Warning" | "Informational";
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] };
}

/**
 * The cfn-lint command when it runs here (pip's `cfn-lint` package), else undefined: on the
 * PATH, or pyenv's shim when a non-login shell left pyenv off the PATH.
 */
export function cfnLintCommand(): string | undefined {
  const candidates = ["cfn-lint", join(homedir(), ".pyenv", "shims", "cfn-lint")];
  return candidates.find((command) => spawnSync(command, ["--version"], { encoding: "utf8" }).status === 0);
}

/** Lints one template for the given regions; every finding that is not ignored. */
export function lintTemplate(
  template: unknown,
  regions: readonly string[] = LINT_REGIONS,
  command = cfnLintCommand() ?? "cfn-lint",
): LintFinding[] {
  const file = join(mkdtempSync(join(tmpdir(), "babelcast-lint-")), "template.json");
  writeFileSync(file, JSON.stringify(withExceptions(template), null, 1));
  const result = spawnSync(
    command,
    ["--format", "json", "--regions", ...regions, "--ignore-checks", ...Object.keys(IGNORED_RULES), "--", file],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.error) throw result.error;
  // cfn-lint exits non-zero when it finds something; the JSON on stdout says what.
  if (!result.stdout.trim().startsWith("[")) {
    throw new Error(`cfn-lint failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
  return JSON.parse(result.stdout) as LintFinding[];
}

/** One line per finding: where and what, for a readable test failure. */
export function describeFindings(findings: readonly LintFinding[]): string[] {
  return findings.map((f) => `${f.Rule.Id} ${f.Location.Path.join("/")}: ${f.Message}`);
}
