import { describe, expect, it } from "vitest";
import { synthBabelcast } from "./synthStack.js";
import {
  cfnLintCommand,
  describeFindings,
  IGNORED_RULES,
  lintTemplate,
  STALE_SCHEMA_EXCEPTIONS,
} from "./templateLint.js";

const cfnLint = cfnLintCommand();

// CI must prove the templates; a developer machine without cfn-lint (`pip install cfn-lint`) skips visibly.
describe.skipIf(!cfnLint && !process.env.CI)(
  "CloudFormation templates pass cfn-lint in every documented region",
  () => {
    const { template, firewallTemplate } = synthBabelcast();

    it("finds nothing in the main stack's template", () => {
      expect(describeFindings(lintTemplate(template.toJSON()))).toEqual([]);
    }, 180_000);

    it("finds nothing in the listener site firewall's template (us-east-1)", () => {
      expect(describeFindings(lintTemplate(firewallTemplate.toJSON(), ["us-east-1"]))).toEqual([]);
    }, 180_000);

    it("reports a value CloudFormation would refuse (the check is live)", () => {
      // One of the stack's own log groups, with a retention CloudWatch Logs does not offer.
      const [id, logGroup] = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>).find(
        ([, r]) => r.Type === "AWS::Logs::LogGroup",
      ) ?? ["none", undefined];
      const broken = { Resources: { [id]: { ...logGroup, Properties: { RetentionInDays: 31 } } } };
      const findings = lintTemplate(broken, ["us-east-1"]);
      expect(findings.map((f) => [f.Level, f.Location.Path.join("/")])).toEqual([
        ["Error", `Resources/${id}/Properties/RetentionInDays`],
      ]);
    }, 180_000);

    it("ignores only rules it names a reason for", () => {
      for (const [rule, reason] of Object.entries(IGNORED_RULES)) expect(reason.length, rule).toBeGreaterThan(30);
      for (const e of STALE_SCHEMA_EXCEPTIONS)
        expect(e.reason, e.resourceType).toMatch(/https:\/\/docs\.aws\.amazon\.com\//);
    });
  },
);
