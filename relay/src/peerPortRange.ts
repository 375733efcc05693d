import { RELAY_TASK_ENV } from "@babelcast/protocol/relayCloud";

/** libdatachannel's `RtcConfig` fields that pin the UDP ports its ICE agents bind. */
export interface PeerPortRange {
  portRangeBegin?: number;
  portRangeEnd?: number;
}

/**
 * The UDP ports the relay's peer connections may bind, from the environment. In the cloud the
 * task's security group opens exactly this range to phones (infra/lib/constructs/relayService.ts),
 * so the relay must never bind outside it; on a LAN (neither variable set) libdatachannel picks
 * any ephemeral port, as before. Both or neither: half a range is a configuration mistake.
 */
export function peerPortRange(env: NodeJS.ProcessEnv): PeerPortRange {
  const beginText = env[RELAY_TASK_ENV.portRangeBegin];
  const endText = env[RELAY_TASK_ENV.portRangeEnd];
  if (beginText === undefined && endText === undefined) return {};
  if (beginText === undefined || endText === undefined) {
    throw new Error(
      `set both ${RELAY_TASK_ENV.portRangeBegin} and ${RELAY_TASK_ENV.portRangeEnd} (the relay's UDP port range), or neither`,
    );
  }
  const begin = port(RELAY_TASK_ENV.portRangeBegin, beginText);
  const end = port(RELAY_TASK_ENV.portRangeEnd, endText);
  if (begin > end) {
    throw new Error(`${RELAY_TASK_ENV.portRangeBegin} (${begin}) is above ${RELAY_TASK_ENV.portRangeEnd} (${end})`);
  }
  return { portRangeBegin: begin, portRangeEnd: end };
}

function port(name: string, text: string): number {
  const value = Number(text);
  // Below 1024 needs root, which the relay's container does not run as.
  if (!/^\d+$/.test(text.trim()) || value < 1024 || value > 65535) {
    throw new Error(`${name} must be a UDP port from 1024 to 65535, got "${text}"`);
  }
  return value;
}
