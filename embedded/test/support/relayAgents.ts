import { readdirSync, readFileSync } from "node:fs";

/**
 * The pid of the relay agent process with that id among those of one embedded server (its data
 * dir's relay key file is on the command line), found in /proc; undefined when none runs. Tests
 * SIGKILL it to see the pool recover.
 */
export function relayAgentPid(relayId: string, keyFile: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // exited meanwhile
    }
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    if (args.some((a) => a.endsWith("agent.ts")) && at("--relay-id") === relayId && at("--key-file") === keyFile)
      return Number(entry);
  }
  return undefined;
}
