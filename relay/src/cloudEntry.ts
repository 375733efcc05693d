import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudAgentLaunch, relayIdFromTaskArn } from "./cloudAgentArgs.js";
import { readSecretFromSecretsManager } from "./cloudSecret.js";
import { markAlive } from "./health.js";

/**
 * The relay container's main process (relay/Dockerfile): turns the task's environment (set by
 * infra/lib/constructs/relayService.ts) into the agent's command line, reads the relay key from
 * Secrets Manager (the task definition holds only its ARN), and runs the agent
 * (`relay/src/agent.ts`) as its child with the key in the child's own environment. SIGTERM
 * (ECS stopping the task) goes to the agent, which drains; the container exits with the agent.
 */
async function main(): Promise<void> {
  const relayId = relayIdFromTaskArn(await taskArn());
  const launch = cloudAgentLaunch(process.env, relayId);
  const key = await readSecretFromSecretsManager(launch.keySecretArn, launch.region);
  // The bundle (agent.mjs next to this file) in the image; the TypeScript source through tsx elsewhere.
  const bundled = fileURLToPath(new URL("./agent.mjs", import.meta.url));
  const command = existsSync(bundled)
    ? [bundled]
    : ["--import", "tsx", fileURLToPath(new URL("./agent.ts", import.meta.url))];
  const agent = spawn(process.execPath, [...command, ...launch.args], {
    env: { ...process.env, BABELCAST_RELAY_KEY: key },
    stdio: "inherit",
  });
  // Liveness for the container's health check while the agent runs (relay/src/health.ts).
  markAlive();
  const alive = setInterval(() => markAlive(), 5_000);
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => agent.kill(signal));
  agent.on("exit", (code, signal) => {
    clearInterval(alive);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

/** This task's ARN, from the ECS task metadata endpoint v4 (Fargate platform 1.4.0 and later). */
async function taskArn(): Promise<string> {
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-fargate.html
  const uri = process.env.ECS_CONTAINER_METADATA_URI_V4;
  if (!uri) throw new Error("ECS_CONTAINER_METADATA_URI_V4 is not set: this entry runs in an ECS task only");
  const res = await fetch(`${uri}/task`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`task metadata endpoint answered ${res.status}`);
  const body = (await res.json()) as { TaskARN?: unknown };
  if (typeof body.TaskARN !== "string") throw new Error("task metadata has no TaskARN");
  return body.TaskARN;
}

main().catch((err: unknown) => {
  process.stderr.write(`relay task: ${(err as Error).message}\n`);
  process.exit(2);
});
