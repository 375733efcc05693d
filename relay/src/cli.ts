import { createInterface } from "node:readline";
import { parseRelayCommand, type RelayEvent } from "@babelcast/protocol/relay";
import nodeDataChannel from "node-datachannel";
import { peerPortRange } from "./peerPortRange.js";
import { Relay } from "./relay.js";

/**
 * The relay process: commands in, one JSON object per line on stdin; events out, one per line
 * on stdout (schemas: protocol/src/relay.ts). Whoever runs it (the embedded server, a
 * container's controller, a test) presigns its KVS URLs. Closing stdin stops it, as `stop` does.
 */
function emit(event: RelayEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

let relay: Relay | undefined;

// A bad UDP port range stops the process before any peer exists (each peer reads it again).
try {
  peerPortRange(process.env);
} catch (err) {
  process.stderr.write(`relay: ${(err as Error).message}\n`);
  process.exit(2);
}

// libdatachannel's own log, on stderr, when asked for (Verbose, Debug, Info, Warning, Error, Fatal).
const LOG_LEVELS = ["Verbose", "Debug", "Info", "Warning", "Error", "Fatal"] as const;
const logLevel = LOG_LEVELS.find((l) => l === process.env.BABELCAST_RELAY_LOG);
if (logLevel) nodeDataChannel.initLogger(logLevel, (level, message) => process.stderr.write(`[${level}] ${message}\n`));

function stop(code: number): void {
  relay?.close();
  relay = undefined;
  nodeDataChannel.cleanup();
  process.exit(code);
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  const parsed = parseRelayCommand(line);
  if (!parsed.ok) {
    emit({ type: "error", message: parsed.error });
    return;
  }
  const command = parsed.command;
  if (command.type === "start") {
    if (relay) {
      emit({
        type: "error",
        message: "start refused: this relay is already started; run another process for another console",
      });
      return;
    }
    if (command.upstream.role !== "VIEWER" || command.upstream.clientId !== command.relayId) {
      emit({
        type: "error",
        message: `start refused: upstream must be a VIEWER grant of the console's channel for client id ${command.relayId}`,
      });
      return;
    }
    relay = new Relay(command, emit);
    emit({ type: "ready", relayId: command.relayId });
    return;
  }
  if (!relay) {
    if (command.type === "stop") stop(0);
    emit({ type: "error", message: `${command.type} refused: send start first` });
    return;
  }
  const error = relay.handle(command);
  if (error) emit({ type: "error", message: `${command.type} refused: ${error}` });
  if (command.type === "stop") stop(0);
});
lines.on("close", () => stop(0));
process.on("SIGTERM", () => stop(0));
