import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HttpRouteKey } from "@babelcast/protocol";
import { RELAY_METRICS, RELAY_TASK_ENV } from "@babelcast/protocol/relayCloud";
import { App, type CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { ContainerImage } from "aws-cdk-lib/aws-ecs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { isRelayRoute } from "../../lib/babelcastStack.js";
import { RelayService } from "../../lib/constructs/relayService.js";
import { HANDLER_ENTRIES, type HandlerEntry } from "../../lib/handlerEntries.js";
import { RELAY_KEY_SECRET_ARN_ENV } from "../../lib/lambdaEnvironment.js";
import { actionsOf, type Resources, resourcesOf, type Statement, synthBabelcast } from "../synthStack.js";
import { cfnLintCommand, describeFindings, lintTemplate } from "../templateLint.js";

/**
 * The relay routes are the relay agent's (`POST /relays`, heartbeat); until the backend serves
 * them, the listener function stands in as their server so the wiring to it is checked.
 */
const RELAY_ROUTE = "POST /relays" as HttpRouteKey;
const handlers: readonly HandlerEntry[] = HANDLER_ENTRIES.some((h) => (h.routes ?? []).some(isRelayRoute))
  ? HANDLER_ENTRIES
  : HANDLER_ENTRIES.map((h) =>
      h.id === "ListenerHttpFunction" ? { ...h, routes: [...(h.routes ?? []), RELAY_ROUTE] } : h,
    );
const relayServers = handlers.filter((h) => (h.routes ?? []).some(isRelayRoute)).map((h) => h.id);

const { app, stack, template } = synthBabelcast({ relays: true, handlers });
const resources = template.toJSON().Resources as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const relays = stack.relays as RelayService;
const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const secretId = logicalId(stack.node.findChild("RelayKeySecret"));

function statementsOfRole(roleId: string): Statement[] {
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []);
}

describe("relays off (the default)", () => {
  it("adds no VPC, cluster, service or scaling to an existing deployment (the relay key is there for the relay routes)", () => {
    const plain = synthBabelcast().template;
    for (const type of [
      "AWS::EC2::VPC",
      "AWS::ECS::Cluster",
      "AWS::ECS::Service",
      "AWS::ApplicationAutoScaling::ScalingPolicy",
    ]) {
      plain.resourceCountIs(type, 0);
    }
    // The listener-token key and the relay key: every deployment serves the `/relays` routes, so
    // relays run elsewhere (an admin's own host) can register without the Fargate service.
    plain.resourceCountIs("AWS::SecretsManager::Secret", 2);
  });
});

describe("relay service", () => {
  it("runs Fargate ARM64 tasks with public IPs in public subnets", () => {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      RequiresCompatibilities: ["FARGATE"],
      RuntimePlatform: { CpuArchitecture: "ARM64", OperatingSystemFamily: "LINUX" },
      Cpu: "256",
      Memory: "512",
    });
    const [[, service] = []] = ofType("AWS::ECS::Service");
    const network = (service?.Properties?.NetworkConfiguration ?? {}) as {
      AwsvpcConfiguration: Record<string, unknown>;
    };
    expect(network.AwsvpcConfiguration.AssignPublicIp).toBe("ENABLED");
    const publicSubnets = relays.vpc.publicSubnets.map((s) => stack.resolve(s.subnetId));
    expect(network.AwsvpcConfiguration.Subnets).toEqual(publicSubnets);
  });

  it("has public subnets only and no NAT gateway", () => {
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    expect(relays.vpc.privateSubnets).toEqual([]);
    expect(relays.vpc.isolatedSubnets).toEqual([]);
    for (const [, subnet] of ofType("AWS::EC2::Subnet")) expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(true);
    template.hasResourceProperties("AWS::EC2::Route", {
      DestinationCidrBlock: "0.0.0.0/0",
      GatewayId: Match.anyValue(),
    });
  });

  it("opens exactly the relay's pinned UDP range to any IPv4 address, and no other inbound port", () => {
    const groups = ofType("AWS::EC2::SecurityGroup").filter(([id]) => id === logicalId(relays.securityGroup));
    expect(groups).toHaveLength(1);
    const ingress = groups[0]?.[1].Properties?.SecurityGroupIngress;
    expect(ingress).toEqual([
      expect.objectContaining({ IpProtocol: "udp", FromPort: 50000, ToPort: 50999, CidrIp: "0.0.0.0/0" }),
    ]);
    template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
  });

  it("gives the task the same UDP range, the API URL, the capacity and the relay key's ARN, never its value", () => {
    const [[, taskDef] = []] = ofType("AWS::ECS::TaskDefinition");
    const [container] = (taskDef?.Properties?.ContainerDefinitions ?? []) as {
      Environment: { Name: string; Value: unknown }[];
    }[];
    const env = Object.fromEntries((container?.Environment ?? []).map((e) => [e.Name, e.Value]));
    expect(env[RELAY_TASK_ENV.portRangeBegin]).toBe("50000");
    expect(env[RELAY_TASK_ENV.portRangeEnd]).toBe("50999");
    expect(env[RELAY_TASK_ENV.capacity]).toBe("90");
    expect(env[RELAY_TASK_ENV.serviceName]).toBe("Test-relays");
    expect(env[RELAY_TASK_ENV.relayKeySecretArn]).toEqual({ Ref: secretId });
    expect(JSON.stringify(env[RELAY_TASK_ENV.apiUrl])).toContain("ApiEndpoint");
    expect(JSON.stringify(container)).not.toMatch(/resolve:secretsmanager|SecretString/);
    expect(JSON.stringify(container)).not.toContain('"Secrets"');
  });

  it("runs the container with a read-only root filesystem, /tmp writable for the liveness mark, and its health check", () => {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      Volumes: [{ Name: "tmp" }],
      ContainerDefinitions: [
        Match.objectLike({
          ReadonlyRootFilesystem: true,
          MountPoints: [{ ContainerPath: "/tmp", SourceVolume: "tmp", ReadOnly: false }],
          HealthCheck: Match.objectLike({ Command: ["CMD", "node", "healthcheck.mjs"] }),
        }),
      ],
    });
  });

  it("scales from minTasks to maxTasks by target tracking on the Average ViewersPerTask of this service", () => {
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", {
      MinCapacity: 1,
      MaxCapacity: 10,
      ScalableDimension: "ecs:service:DesiredCount",
    });
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 72,
        CustomizedMetricSpecification: {
          Namespace: RELAY_METRICS.namespace,
          MetricName: RELAY_METRICS.viewersPerTask,
          Dimensions: [{ Name: RELAY_METRICS.serviceDimension, Value: "Test-relays" }],
          Statistic: "Average",
        },
      },
    });
  });

  it("lets the task role read the relay key and protect its own cluster's tasks, nothing else (no KVS, no CloudWatch)", () => {
    const roleId = logicalId(relays.taskDefinition.taskRole);
    const statements = statementsOfRole(roleId);
    expect(statements.flatMap(actionsOf).sort()).toEqual(["ecs:UpdateTaskProtection", "secretsmanager:GetSecretValue"]);
    const secretReads = statements.filter((s) => actionsOf(s).includes("secretsmanager:GetSecretValue"));
    expect(secretReads.flatMap(resourcesOf)).toEqual([{ Ref: secretId }]);
    // Scale-in protection (relay/src/taskProtection.ts): tasks of the relays' cluster only.
    const protection = statements.filter((s) => actionsOf(s).includes("ecs:UpdateTaskProtection"));
    const resource = JSON.stringify(protection.flatMap(resourcesOf));
    expect(resource).toContain(":task/");
    expect(resource).toContain(logicalId(relays.service.cluster));
  });

  it("lets the execution role pull the image and write the relay's own log group only", () => {
    const roleId = logicalId(relays.taskDefinition.obtainExecutionRole());
    const actions = new Set(statementsOfRole(roleId).flatMap(actionsOf));
    expect([...actions].filter((a) => !a.startsWith("ecr:") && !a.startsWith("logs:"))).toEqual([]);
    expect(actions).not.toContain("secretsmanager:GetSecretValue");
  });

  it("gives the relay key's ARN and GetSecretValue to the functions serving /relays routes only", () => {
    expect(relayServers.length).toBeGreaterThan(0);
    for (const entry of handlers) {
      const fn = stack.functions.get(entry.id);
      if (!fn) throw new Error(`no function ${entry.id}`);
      const env = ((resources[logicalId(fn)]?.Properties?.Environment ?? {}) as { Variables: Record<string, unknown> })
        .Variables;
      const reads = statementsOfRole(logicalId(fn.role as unknown as IConstruct)).some(
        (s) =>
          actionsOf(s).includes("secretsmanager:GetSecretValue") &&
          resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: secretId })),
      );
      const serves = relayServers.includes(entry.id);
      expect(env[RELAY_KEY_SECRET_ARN_ENV], entry.id).toEqual(serves ? { Ref: secretId } : undefined);
      expect(reads, entry.id).toBe(serves);
    }
  });

  it("builds the image from relay/Dockerfile for linux/arm64, staging only what .dockerignore lets in", () => {
    const assembly = app.synth();
    const manifestFile = readdirSync(assembly.directory).find((f) => f === `${stack.artifactId}.assets.json`);
    expect(manifestFile).toBeDefined();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, manifestFile as string), "utf8")) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    const images = Object.values(manifest.dockerImages);
    expect(images).toHaveLength(1);
    const [image] = images;
    expect(image?.source.dockerFile).toBe("relay/Dockerfile");
    expect(image?.source.platform).toBe("linux/arm64");
    const staged = join(assembly.directory, image?.source.directory as string);
    expect(existsSync(join(staged, "relay/Dockerfile"))).toBe(true);
    expect(existsSync(join(staged, "relay/src/metrics.ts"))).toBe(true);
    expect(existsSync(join(staged, "package-lock.json"))).toBe(true);
    expect(existsSync(join(staged, "node_modules"))).toBe(false);
    expect(existsSync(join(staged, "backend/src"))).toBe(false);
  });

  it("has no unacknowledged cdk-nag error", () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const errors = report.violations
      .filter((v) => v.severity === "error")
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);
    expect(errors).toEqual([]);
  });
});

// As templateLint.test.ts: CI must prove the template; a machine without cfn-lint skips visibly.
describe.skipIf(!cfnLintCommand() && !process.env.CI)("the template with relays, under cfn-lint", () => {
  it("finds nothing CloudFormation would refuse in any documented region", () => {
    // W3010 (hard-coded zones) comes from the test's placeholder zones ("dummy1a"): synthesized for a
    // named account without credentials, CDK cannot look the real ones up.
    const findings = lintTemplate(template.toJSON()).filter((f) => f.Rule.Id !== "W3010");
    expect(describeFindings(findings)).toEqual([]);
  }, 180_000);
});

describe("RelayService props", () => {
  const build = (props: Partial<ConstructorParameters<typeof RelayService>[2]>) => {
    // Without the built-in template linter, as synthStack.ts: slow, and `npm run synth` runs it.
    const s = new Stack(new App({ builtinCloudFormationValidation: false }), "Bad");
    new RelayService(s, "Relays", {
      apiUrl: "https://api.example.com",
      relayKeySecret: new Secret(s, "Key"),
      image: ContainerImage.fromRegistry("public.ecr.aws/docker/library/node:20-slim"),
      ...props,
    });
    return s;
  };

  it("refuses sizes that cannot work, saying which", () => {
    expect(() => build({ capacityPerTask: 0 })).toThrow(/capacityPerTask/);
    expect(() => build({ minTasks: 3, maxTasks: 2 })).toThrow(/maxTasks/);
    expect(() => build({ targetUtilization: 1.5 })).toThrow(/targetUtilization/);
    expect(() => build({ udpPortBegin: 65000, udpPorts: 1000 })).toThrow(/UDP range/);
    expect(() => build({ udpPortBegin: 80 })).toThrow(/UDP range/);
  });

  it("tracks 80 % of the capacity it is given, on the range it is given", () => {
    const t = Template.fromStack(build({ capacityPerTask: 300, minTasks: 0, udpPortBegin: 40000, udpPorts: 500 }));
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 240 }),
    });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", { MinCapacity: 0 });
    t.hasResourceProperties("AWS::EC2::SecurityGroup", {
      SecurityGroupIngress: [Match.objectLike({ IpProtocol: "udp", FromPort: 40000, ToPort: 40499 })],
    });
  });
});
