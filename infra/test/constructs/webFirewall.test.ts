import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import {
  hallRateLimit,
  MANAGED_RULE_GROUPS,
  MIN_RATE_LIMIT,
  RATE_WINDOW_SECONDS,
} from "../../lib/constructs/webFirewall.js";
import { CLOUDFRONT_WAF_REGION, LISTENER_SITE_TRAFFIC } from "../../lib/listenerSiteFirewallStack.js";
import { type Resources, synthBabelcast } from "../synthStack.js";

const { stack, template, listenerSiteFirewall, firewallTemplate } = synthBabelcast();

interface WebAclProps {
  Scope: string;
  DefaultAction: unknown;
  Rules: {
    Name: string;
    Action?: unknown;
    Statement: {
      RateBasedStatement?: { Limit: number; AggregateKeyType: string; EvaluationWindowSec: number };
      ManagedRuleGroupStatement?: { VendorName: string; Name: string };
    };
  }[];
}

function webAcls(resources: Resources): WebAclProps[] {
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::WAFv2::WebACL")
    .map((r) => r.Properties as unknown as WebAclProps);
}

function rateLimit(acl: WebAclProps): number | undefined {
  return acl.Rules.find((r) => r.Statement.RateBasedStatement)?.Statement.RateBasedStatement?.Limit;
}

describe("the per-IP rate limit a hall behind one NAT does not trip", () => {
  it("covers every listener of a minute's joins arriving twice in the window, each with all its requests", () => {
    // 300 joins a minute × 5 minutes × 5 requests × 2 arrivals.
    expect(hallRateLimit({ joinsPerMinute: 300, requestsPerJoin: 5, arrivalsPerListener: 2 })).toBe(15_000);
    expect(hallRateLimit({ joinsPerMinute: 300, requestsPerJoin: 5, arrivalsPerListener: 2 }, 60)).toBe(3_000);
  });

  it("never goes below WAF's minimum", () => {
    expect(hallRateLimit({ joinsPerMinute: 1, requestsPerJoin: 1, arrivalsPerListener: 1 }, 60)).toBe(MIN_RATE_LIMIT);
  });
});

describe("listener site firewall (CloudFront, us-east-1)", () => {
  const [acl] = webAcls(firewallTemplate.toJSON().Resources as Resources);

  it("lives in us-east-1 in its own stack, whatever the deployment's region", () => {
    expect(listenerSiteFirewall.region).toBe(CLOUDFRONT_WAF_REGION);
    expect(stack.region).not.toBe(CLOUDFRONT_WAF_REGION);
    expect(acl?.Scope).toBe("CLOUDFRONT");
  });

  it("blocks a client IP past the hall's traffic, and runs the AWS managed rule groups", () => {
    expect(acl?.DefaultAction).toEqual({ Allow: {} });
    const rate = acl?.Rules.find((r) => r.Statement.RateBasedStatement);
    expect(rate?.Action).toEqual({ Block: {} });
    expect(rate?.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: "IP",
      Limit: hallRateLimit(LISTENER_SITE_TRAFFIC),
      EvaluationWindowSec: RATE_WINDOW_SECONDS,
    });
    // A hall's whole audience loading the page at once stays under the limit.
    expect(rateLimit(acl as WebAclProps)).toBeGreaterThanOrEqual(
      LISTENER_SITE_TRAFFIC.joinsPerMinute * (RATE_WINDOW_SECONDS / 60) * LISTENER_SITE_TRAFFIC.requestsPerJoin,
    );
    const groups = acl?.Rules.flatMap((r) => r.Statement.ManagedRuleGroupStatement ?? []);
    expect(groups).toEqual(MANAGED_RULE_GROUPS.map((Name) => ({ VendorName: "AWS", Name })));
  });

  it("is what the listener site's distribution is attached to", () => {
    const [distribution] = Object.values(template.toJSON().Resources as Resources).filter(
      (r) => r.Type === "AWS::CloudFront::Distribution",
    );
    const webAclId = JSON.stringify(
      (distribution?.Properties?.DistributionConfig as { WebACLId?: unknown } | undefined)?.WebACLId,
    );
    // Read from the SSM parameter CDK writes in this region for the cross-region reference.
    expect(webAclId).toMatch(/ExportsReader/);
    expect(JSON.stringify(firewallTemplate.toJSON())).toMatch(/ExportsWriter/);
  });

  it("passes cdk-nag", () => {
    const report = new AwsSolutionsChecks().validateScope(listenerSiteFirewall);
    expect(report.violations.filter((v) => v.severity === "error").map((v) => v.ruleName)).toEqual([]);
  });
});

describe("presenter sign-in firewall (regional)", () => {
  const resources = template.toJSON().Resources as Resources;

  it("protects the user pool with the managed rule groups and a per-IP rate limit", () => {
    const [acl] = webAcls(resources);
    expect(acl?.Scope).toBe("REGIONAL");
    expect(rateLimit(acl as WebAclProps)).toBeGreaterThan(0);
    const association = Object.values(resources).find((r) => r.Type === "AWS::WAFv2::WebACLAssociation");
    expect(JSON.stringify(association?.Properties?.ResourceArn)).toMatch(/AuthPresenters\w+","Arn"/);
  });
});
