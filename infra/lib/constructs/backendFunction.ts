import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The newest Lambda Node.js runtime this aws-cdk-lib knows; esbuild targets the same version. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/**
 * esbuild settings shared by the stack's bundling and the bundling test, so the test
 * bundles exactly what `cdk deploy` ships. ESM output needs `require` for CommonJS
 * dependencies, hence the banner.
 */
export const ESBUILD_DEFAULTS = {
  target: "node24",
  format: "esm",
  platform: "node",
  sourcemap: true,
  minify: true,
  mainFields: ["module", "main"],
  banner:
    "import { createRequire as __bcCreateRequire } from 'node:module';const require = __bcCreateRequire(import.meta.url);",
  /** Bundle the AWS SDK too: the same client versions as the embedded server and the tests. */
  external: [] as string[],
} as const;

export interface BackendFunctionProps {
  /** Absolute path of the handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly logRetention?: RetentionDays;
}

/**
 * A backend handler as a Lambda function with the project's defaults: esbuild bundle with
 * source maps, arm64, current Node runtime, X-Ray tracing, JSON logs in a log group with
 * retention.
 */
export class BackendFunction extends NodejsFunction {
  readonly logGroupRetention: RetentionDays;

  constructor(scope: Construct, id: string, props: BackendFunctionProps) {
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
    super(scope, id, {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup,
      environment: { NODE_OPTIONS: "--enable-source-maps", ...props.environment },
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      bundling: {
        target: ESBUILD_DEFAULTS.target,
        format: OutputFormat.ESM,
        sourceMap: ESBUILD_DEFAULTS.sourcemap,
        minify: ESBUILD_DEFAULTS.minify,
        mainFields: [...ESBUILD_DEFAULTS.mainFields],
        banner: ESBUILD_DEFAULTS.banner,
        externalModules: [...ESBUILD_DEFAULTS.external],
      },
    });
    this.logGroupRetention = retention;
  }
}
