import { fileURLToPath } from "node:url";
import { RELAY_METRICS, RELAY_TASK_ENV } from "@babelcast/protocol/relayCloud";
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { Metric } from "aws-cdk-lib/aws-cloudwatch";
import {
  FlowLogDestination,
  FlowLogTrafficType,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from "aws-cdk-lib/aws-ec2";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import {
  Cluster,
  ContainerImage,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from "aws-cdk-lib/aws-ecs";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { acknowledgeWildcardResource } from "../nagFindings.js";

/** The repository root: the relay image's Docker build context (`relay/Dockerfile` says what it copies). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface RelayServiceProps {
  /** The HTTP API's base URL: relays register there (`POST /relays`) and heartbeat. */
  readonly apiUrl: string;
  /** The relay key (a deployment secret): tasks read its value at start, with only GetSecretValue on it. */
  readonly relayKeySecret: ISecret;
  /**
   * Listeners one task forwards at most (default 90: what 0.25 vCPU carries at the console's 10 ms
   * Opus frames by the CPU figures of docs/relays.md; docs/scaling.md has the arithmetic).
   */
  readonly capacityPerTask?: number;
  /**
   * Fewest tasks (default 1). 0 stops every relay when idle, but then nothing publishes the
   * metric, and target tracking "does not perform scaling when the specified metric has
   * insufficient data" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html):
   * the service stays at 0 until someone raises the desired count (docs/deploy.md, "Audio relays").
   */
  readonly minTasks?: number;
  /** Most tasks (default 10). */
  readonly maxTasks?: number;
  /** Share of `capacityPerTask` the service keeps each task at on average (default 0.8). */
  readonly targetUtilization?: number;
  /** First UDP port of the relays' peer connections (default 50000); the range spans `udpPorts` ports. */
  readonly udpPortBegin?: number;
  /** How many UDP ports a task may bind (default 1000: one per peer connection, with room to spare). */
  readonly udpPorts?: number;
  /** The image; default: `relay/Dockerfile` built from the repository at deploy time. */
  readonly image?: ContainerImage;
}

/** The sizes a relay task runs with (the smallest Fargate size; docs/scaling.md has the arithmetic). */
export const RELAY_TASK_SIZE = { cpu: 256, memoryLimitMiB: 512 } as const;

/**
 * Audio relays in the cloud: an ECS Fargate service of `relay/src/agent.ts` tasks in a VPC of
 * public subnets only, scaled by target tracking on the viewers each task forwards.
 *
 * - **No NAT gateway.** Each task gets a public IP on its ENI (Fargate `assignPublicIp`, which
 *   needs a public subnet routed to an internet gateway to reach the internet:
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
 *   Phones reach the relay's public address directly over UDP; a NAT gateway would cost an hourly
 *   fee plus per-GB processing on all the audio, and would force TURN for every phone.
 * - **UDP ports pinned.** The relay binds its peers' ICE sockets only inside one range
 *   (`BABELCAST_RELAY_PORT_BEGIN/END` → libdatachannel `portRangeBegin/End`), and the task's
 *   security group opens exactly that range to any IPv4 address: a security group denies all
 *   inbound traffic it does not allow
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html), and phones'
 *   addresses are not known in advance.
 * - **ARM64.** node-datachannel 0.33.4 ships a `linux-arm64-gnu` prebuild (its optional
 *   dependency `@node-datachannel/linux-arm64-gnu`), which the Debian-based node:20-slim image
 *   installs; Fargate runs Linux ARM64 tasks
 *   (`runtimePlatform.cpuArchitecture` ARM64:
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm-specifying.html) at a lower
 *   vCPU-hour price than x86_64.
 * - **Scaling.** Each task prints `Babelcast/Relays ViewersPerTask` (dimension `Service`) as
 *   Embedded Metric Format lines (`relay/src/metrics.ts`); the service tracks that metric's
 *   Average at `targetUtilization × capacityPerTask`. A custom metric for target tracking must
 *   fall as capacity grows, as a per-task average does
 *   (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html);
 *   ECS service auto scaling with target tracking:
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html
 * - **No KVS permissions.** The backend hands relays presigned KVS URLs and ICE servers (TURN
 *   included, from KVS `GetIceServerConfig`) in their grants, as it does to consoles and
 *   listeners; the task role may only read the relay key.
 */
export class RelayService extends Construct {
  readonly vpc: Vpc;
  readonly service: FargateService;
  readonly securityGroup: SecurityGroup;
  readonly taskDefinition: FargateTaskDefinition;
  /** The `Service` dimension value of this deployment's ViewersPerTask metric. */
  readonly metricServiceName: string;
  readonly viewersPerTask: Metric;
  readonly udpPortRange: { readonly begin: number; readonly end: number };

  constructor(scope: Construct, id: string, props: RelayServiceProps) {
    super(scope, id);
    const capacity = props.capacityPerTask ?? 90;
    const minTasks = props.minTasks ?? 1;
    const maxTasks = props.maxTasks ?? 10;
    const utilization = props.targetUtilization ?? 0.8;
    const begin = props.udpPortBegin ?? 50000;
    const end = begin + (props.udpPorts ?? 1000) - 1;
    validate({ capacity, minTasks, maxTasks, utilization, begin, end });
    this.udpPortRange = { begin, end };
    // A plain string, not the service's generated name: the task's environment holds it, and the
    // service refers to the task definition, so naming the service there would be a cycle.
    this.metricServiceName = `${Stack.of(this).stackName}-relays`;

    this.vpc = new Vpc(this, "Vpc", {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: "Public", subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    });
    // Rejected traffic only: enough to see what the security group turns away, at a fraction of
    // the records (and cost) of logging every accepted audio flow.
    const flowLogs = new LogGroup(this, "FlowLogs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog("RejectedFlows", {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.REJECT,
    });

    this.securityGroup = new SecurityGroup(this, "TaskSecurityGroup", {
      vpc: this.vpc,
      description: `Babelcast relays: WebRTC media from phones and consoles on UDP ${begin}-${end}`,
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(
      Peer.anyIpv4(),
      Port.udpRange(begin, end),
      "WebRTC (ICE, DTLS, SRTP) from phones and consoles anywhere",
    );

    const cluster = new Cluster(this, "Cluster", { vpc: this.vpc });
    const logGroup = new LogGroup(this, "Logs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new FargateTaskDefinition(this, "Task", {
      ...RELAY_TASK_SIZE,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    // Only the key's value: no DescribeSecret, no KVS, no CloudWatch (metrics go out as log lines).
    this.taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [props.relayKeySecret.secretArn] }),
    );
    // Scale-in protection while a task forwards listeners (relay/src/taskProtection.ts): the ECS
    // container agent calls UpdateTaskProtection with the task role, on the task itself
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html).
    const ownTasks = Stack.of(this).formatArn({
      service: "ecs",
      resource: "task",
      resourceName: `${cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({ actions: ["ecs:UpdateTaskProtection"], resources: [ownTasks] }),
    );
    acknowledgeWildcardResource(
      this.taskDefinition.taskRole,
      ownTasks,
      "A task's ARN is known only once it runs; the statement allows UpdateTaskProtection on the tasks of the relays' own cluster, nothing else.",
    );
    // The root filesystem is read-only; the liveness mark (relay/src/health.ts) lives in /tmp,
    // a task-local scratch volume.
    this.taskDefinition.addVolume({ name: "tmp" });
    const container = this.taskDefinition.addContainer("Relay", {
      image:
        props.image ??
        ContainerImage.fromAsset(REPO_ROOT, { file: "relay/Dockerfile", platform: Platform.LINUX_ARM64 }),
      logging: LogDrivers.awsLogs({ logGroup, streamPrefix: "relay" }),
      environment: {
        [RELAY_TASK_ENV.apiUrl]: props.apiUrl,
        [RELAY_TASK_ENV.relayKeySecretArn]: props.relayKeySecret.secretArn,
        [RELAY_TASK_ENV.capacity]: String(capacity),
        [RELAY_TASK_ENV.serviceName]: this.metricServiceName,
        [RELAY_TASK_ENV.portRangeBegin]: String(begin),
        [RELAY_TASK_ENV.portRangeEnd]: String(end),
      },
      // The process's own liveness (relay/src/healthcheck.ts); ECS ignores the image's HEALTHCHECK.
      healthCheck: {
        command: ["CMD", "node", "healthcheck.mjs"],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      readonlyRootFilesystem: true,
    });
    container.addMountPoints({ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false });

    this.service = new FargateService(this, "Service", {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: minTasks,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [this.securityGroup],
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });

    this.viewersPerTask = new Metric({
      namespace: RELAY_METRICS.namespace,
      metricName: RELAY_METRICS.viewersPerTask,
      dimensionsMap: { [RELAY_METRICS.serviceDimension]: this.metricServiceName },
      statistic: "Average",
      period: Duration.minutes(1),
    });
    const scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    scaling.scaleToTrackCustomMetric("ViewersPerTask", {
      metric: this.viewersPerTask,
      targetValue: Math.round(capacity * utilization),
      // Out fast (a door opening fills tasks in a minute); in slowly (a task that leaves drops
      // its listeners onto others, which reconnect).
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(10),
    });

    Validations.of(this.securityGroup).acknowledge({
      id: "AwsSolutions-EC23",
      reason:
        "Phones join from any network; WebRTC media must reach the relay on its pinned UDP range only (no TCP port is open).",
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: "AwsSolutions-ECS2",
      reason:
        "The environment holds no secret: the API URL, sizes, the port range and the relay key's ARN (the task reads the value at start).",
    });
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "ecr:GetAuthorizationToken, which pulls the relay image, has no resource-level permissions; the image pull itself is scoped to its repository.",
    });
    Validations.of(cluster).acknowledge({
      id: "AwsSolutions-ECS4",
      reason:
        "Container Insights adds per-task metrics at a cost; the relays publish the one metric they scale on, and AWS/ECS gives service CPU and memory.",
    });
  }
}

function validate(v: {
  capacity: number;
  minTasks: number;
  maxTasks: number;
  utilization: number;
  begin: number;
  end: number;
}): void {
  const problems: string[] = [];
  if (!Number.isInteger(v.capacity) || v.capacity < 1) problems.push(`capacityPerTask must be a whole number ≥ 1`);
  if (!Number.isInteger(v.minTasks) || v.minTasks < 0) problems.push(`minTasks must be a whole number ≥ 0`);
  if (!Number.isInteger(v.maxTasks) || v.maxTasks < Math.max(1, v.minTasks)) {
    problems.push(`maxTasks must be a whole number ≥ 1 and ≥ minTasks`);
  }
  if (!(v.utilization > 0 && v.utilization <= 1)) problems.push(`targetUtilization must be in (0, 1]`);
  if (!Number.isInteger(v.begin) || v.begin < 1024 || !Number.isInteger(v.end) || v.end > 65535 || v.end < v.begin) {
    problems.push(`the UDP range ${v.begin}-${v.end} must lie within 1024-65535`);
  }
  if (problems.length > 0) throw new Error(`RelayService: ${problems.join("; ")}`);
}
