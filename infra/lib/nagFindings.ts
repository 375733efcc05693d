import { Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * cdk-nag names a wildcard finding after the resource as written in the template, with
 * references flattened (`<Table1234.Arn>/index/*`). This builds that name from a value of
 * the app (a token or a plain string), so each acknowledgement targets one finding.
 */
export function nagResourceName(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: unknown): string {
  if (typeof node === "string") return node.replace(/\$\{/g, "<").replace(/\}/g, ">");
  if (node && typeof node === "object") {
    const n = node as Record<string, unknown>;
    if (Array.isArray(n["Fn::Join"])) {
      const [delimiter, items] = n["Fn::Join"] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (Array.isArray(n["Fn::GetAtt"])) {
      const [resource, attribute] = n["Fn::GetAtt"] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ("Ref" in n) return `<${flatten(n.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** Acknowledges the IAM5 finding for one wildcard resource, with why it is as narrow as it can be. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagResourceName(scope, resource)}]`, reason });
}
