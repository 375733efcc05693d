import { type App, Tags } from "aws-cdk-lib";
import { BabelcastStack, type BabelcastStackProps } from "./babelcastStack.js";
import { CLOUDFRONT_WAF_REGION, ListenerSiteFirewallStack } from "./listenerSiteFirewallStack.js";

export interface BabelcastAppOptions extends Omit<BabelcastStackProps, "listenerSiteWebAclArn" | "env"> {
  readonly stackName: string;
  readonly account?: string;
  /** The deployment's region (the CDK CLI always sets one: AWS_REGION, the profile's, or us-east-1). */
  readonly region: string;
}

export interface BabelcastStacks {
  readonly main: BabelcastStack;
  readonly listenerSiteFirewall: ListenerSiteFirewallStack;
}

/**
 * The stacks of one deployment: the main stack in the chosen region and the listener
 * site's CloudFront firewall in us-east-1. The distribution takes the web ACL's ARN across
 * regions (CDK passes it through an SSM parameter it writes in the main stack's region).
 */
export function addBabelcastStacks(app: App, options: BabelcastAppOptions): BabelcastStacks {
  const { stackName, account, region, ...props } = options;
  const listenerSiteFirewall = new ListenerSiteFirewallStack(app, `${stackName}-ListenerSiteFirewall`, {
    description: "Babelcast: WAF web ACL of the listener site's CloudFront distribution (us-east-1)",
    env: { account, region: CLOUDFRONT_WAF_REGION },
    crossRegionReferences: true,
  });
  const main = new BabelcastStack(app, stackName, {
    ...props,
    env: { account, region },
    crossRegionReferences: true,
    listenerSiteWebAclArn: listenerSiteFirewall.webAclArn,
  });
  main.addStackDependency(listenerSiteFirewall);
  for (const stack of [main, listenerSiteFirewall]) Tags.of(stack).add("project", "babelcast");
  return { main, listenerSiteFirewall };
}
