import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { HANDLER_ENTRIES } from "../../lib/handlerEntries.js";
import { RECORDINGS_BUCKET_ENV, RECORDINGS_EXPIRE_DAYS_ENV } from "../../lib/lambdaEnvironment.js";
import { actionsOf, type Resources, resourcesOf, type Statement, synthBabelcast } from "../synthStack.js";

const { stack, template } = synthBabelcast({ recordingExpireDays: 14 });
const resources = template.toJSON().Resources as Resources;
const bucketId = stack.getLogicalId(stack.recordings.bucket.node.defaultChild as never);

/** Every statement of every inline policy of the stack, with the role it is attached to. */
function statements(): { roles: string; statement: Statement }[] {
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::IAM::Policy")
    .flatMap((p) =>
      ((p.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? []).map((statement) => ({
        roles: JSON.stringify(p.Properties?.Roles),
        statement,
      })),
    );
}

function roleOf(functionId: string): string {
  const fn = stack.functions.get(functionId);
  if (!fn?.role) throw new Error(`no function ${functionId}`);
  return JSON.stringify([{ Ref: stack.getLogicalId(fn.role.node.defaultChild as never) }]);
}

const mentionsBucket = (s: Statement) => JSON.stringify(resourcesOf(s)).includes(bucketId);

describe("recordings bucket", () => {
  it("is private, encrypted, TLS-only and logged, and its lifecycle rule expires recordings/ after the stack's days", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: "recordings-bucket/" }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: "recordings/", ExpirationInDays: 14, Status: "Enabled" })]),
      },
    });
    const policy = Object.values(resources).find(
      (r) => r.Type === "AWS::S3::BucketPolicy" && JSON.stringify(r.Properties?.Bucket).includes(bucketId),
    );
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it("lets only the console's origins PUT and GET across origins, sending Content-Type", () => {
    const bucket = resources[bucketId];
    const rules =
      (bucket?.Properties?.CorsConfiguration as { CorsRules: Record<string, unknown>[] } | undefined)?.CorsRules ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ AllowedMethods: ["PUT", "GET"], AllowedHeaders: ["content-type"] });
    expect(JSON.stringify(rules[0]?.AllowedOrigins)).toContain("babelcast://console");
    expect(JSON.stringify(rules[0]?.AllowedOrigins)).not.toContain('"*"');
  });

  it("grants the owner's HTTP function put and get on recordings/* and ListBucket on that prefix only; no other function", () => {
    const onBucket = statements().filter(({ statement }) => mentionsBucket(statement));
    const owner = roleOf("OwnerHttpFunction");
    expect(onBucket.length).toBeGreaterThan(0);
    // CDK's own auto-delete/notification roles aside, only the owner function's role touches the bucket.
    const functionRoles = new Set(HANDLER_ENTRIES.map((e) => roleOf(e.id)));
    expect(onBucket.filter((s) => functionRoles.has(s.roles)).every((s) => s.roles === owner)).toBe(true);

    const objects = onBucket.find(({ statement }) => actionsOf(statement).includes("s3:PutObject"));
    expect(actionsOf(objects!.statement).sort()).toEqual(["s3:GetObject", "s3:PutObject"]);
    expect(JSON.stringify(resourcesOf(objects!.statement))).toContain("/recordings/*");

    const listing = onBucket.find(({ statement }) => actionsOf(statement).includes("s3:ListBucket"));
    expect(actionsOf(listing!.statement)).toEqual(["s3:ListBucket"]);
    expect((listing!.statement as Statement & { Condition?: unknown }).Condition).toEqual({
      StringLike: { "s3:prefix": ["recordings/*"] },
    });
  });

  it("names the bucket and its expiry days to the owner's HTTP function only", () => {
    for (const entry of HANDLER_ENTRIES) {
      const fn = stack.functions.get(entry.id);
      const fnResource = resources[stack.getLogicalId(fn?.node.defaultChild as never)];
      const env = (fnResource?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      const named = env?.[RECORDINGS_BUCKET_ENV] !== undefined;
      expect([entry.id, named]).toEqual([entry.id, entry.id === "OwnerHttpFunction"]);
      if (named) expect(env?.[RECORDINGS_EXPIRE_DAYS_ENV]).toBe("14");
    }
  });
});
