// The relay bench's load generator: a separate Node process of lightweight listener clients
// (node-datachannel peers that offer one receive-only Opus m-line, as the listener page does,
// and only count packets), so hundreds of listeners do not cost a browser page each and the
// generator's CPU is measured apart from the relay's and the console's.
//
// Commands on stdin, one JSON object per line:
//   {"type":"join","viewers":[{"id":"l-…","grant":<viewer grant>}]}  → {"type":"joined","ok":[ids],"failed":[{id,why}]}
//   {"type":"counts"}                                  → {"type":"counts","at":epoch ms,"packets":{id:[received, highest extended seq]}}
//   {"type":"stop"}                                                  → closes every peer and exits 0
import { createInterface } from "node:readline";
import { SignalingGrant } from "@babelcast/protocol";
import { CountingViewer } from "@babelcast/relay/testSupport/rtpPeers.js";

/** How long a joining viewer may take to get its first packet. */
const JOIN_TIMEOUT_MS = 15_000;
/**
 * Viewers joining at once per generator (4 generators: 16 handshakes in flight): each join is a
 * signaling round trip, ICE and a DTLS handshake on both ends. Earlier runs at 10 per generator
 * (40 in flight) sometimes failed the 500 step while its 100 new handshakes landed on two cores
 * already full with 400 viewers' traffic (relays, console, generators on one machine). A
 * precaution, not a proven fix (a run at 10 passed too; docs/relays.md): it halves the burst at
 * no cost, a step still joins in about 5 s, since KVS's 3 connects per second per channel paces
 * each channel anyway.
 */
const JOIN_CONCURRENCY = 4;
/**
 * KVS takes at most 3 ConnectAsViewer calls per second per channel
 * (https://docs.aws.amazon.com/kinesisvideostreams-webrtc-dg/latest/devguide/kvswebrtc-limits.html),
 * and the embedded server refuses more as AWS does: joins to one channel start this far apart.
 */
const CHANNEL_CONNECT_SPACING_MS = 400;
/** Attempts per viewer (a refused connect, or a peer that stays silent, is tried again as a client would). */
const JOIN_ATTEMPTS = 2;
const nextConnectAt = new Map<string, number>();

/** Waits for this channel's next connect slot and takes it. */
async function connectSlot(channelArn: string): Promise<void> {
  const at = Math.max(Date.now(), nextConnectAt.get(channelArn) ?? 0);
  nextConnectAt.set(channelArn, at + CHANNEL_CONNECT_SPACING_MS);
  await new Promise((r) => setTimeout(r, at - Date.now()));
}

type FleetCommand =
  | { type: "join"; viewers: { id: string; grant: SignalingGrant }[] }
  | { type: "counts" }
  | { type: "stop" };

/** One stdin line as a command; throws saying what is wrong (the line then changes nothing). */
function parseCommand(line: string): FleetCommand {
  const value = JSON.parse(line) as { type?: unknown; viewers?: unknown };
  if (value.type === "counts" || value.type === "stop") return { type: value.type };
  if (value.type !== "join") throw new Error('type must be "join", "counts" or "stop"');
  if (!Array.isArray(value.viewers) || value.viewers.length === 0) throw new Error("join needs a list of viewers");
  return {
    type: "join",
    viewers: value.viewers.map((v: { id?: unknown; grant?: unknown }) => {
      if (typeof v.id !== "string" || v.id === "") throw new Error("each viewer needs an id");
      return { id: v.id, grant: SignalingGrant.parse(v.grant) };
    }),
  };
}

const viewers = new Map<string, CountingViewer>();
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

/**
 * Connects one viewer and waits for its first packet. A refused signaling connect, or a peer
 * with no packet after JOIN_TIMEOUT_MS, is tried again with a new peer (a new offer, as the
 * listener page does when its connection fails), up to JOIN_ATTEMPTS in all; `attempts` says
 * how many it took, so the bench reports retries instead of hiding them.
 */
async function joinOne(id: string, grant: SignalingGrant): Promise<{ attempts: number; why?: string }> {
  if (viewers.has(id)) return { attempts: 0, why: "already joined" };
  let why = "";
  for (let attempt = 1; attempt <= JOIN_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, 1000));
    await connectSlot(grant.channelArn);
    const viewer = new CountingViewer(grant, { keepPackets: false });
    try {
      await viewer.connect();
    } catch (err) {
      viewer.close();
      why = `signaling refused: ${describe(err)}`;
      continue;
    }
    const deadline = Date.now() + JOIN_TIMEOUT_MS;
    while (viewer.packets === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (viewer.packets > 0) {
      viewers.set(id, viewer);
      return { attempts: attempt };
    }
    why = `no packet within ${JOIN_TIMEOUT_MS / 1000} s (${viewer.progress()})`;
    viewer.close();
  }
  return { attempts: JOIN_ATTEMPTS, why: `${JOIN_ATTEMPTS} attempts; last: ${why}` };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "object" ? JSON.stringify(err) : String(err);
}

/** Reorders joins round-robin over channels, so the concurrent joins are on different channels. */
function acrossChannels<T extends { grant: SignalingGrant }>(list: readonly T[]): T[] {
  const byChannel = new Map<string, T[]>();
  for (const item of list)
    byChannel.set(item.grant.channelArn, [...(byChannel.get(item.grant.channelArn) ?? []), item]);
  const queues = [...byChannel.values()];
  const out: T[] = [];
  for (let i = 0; out.length < list.length; i++) for (const q of queues) if (q[i]) out.push(q[i] as T);
  return out;
}

async function join(all: readonly { id: string; grant: SignalingGrant }[]): Promise<void> {
  const list = acrossChannels(all);
  const ok: string[] = [];
  const failed: { id: string; why: string }[] = [];
  let retried = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) {
      const item = list[i] as { id: string; grant: SignalingGrant };
      const { attempts, why } = await joinOne(item.id, item.grant);
      if (attempts > 1) retried += 1;
      if (why === undefined) ok.push(item.id);
      else failed.push({ id: item.id, why });
    }
  };
  await Promise.all(Array.from({ length: Math.min(JOIN_CONCURRENCY, list.length) }, worker));
  emit({ type: "joined", ok, failed, retried });
}

function stop(): void {
  for (const v of viewers.values()) v.close();
  viewers.clear();
  // node-datachannel keeps native threads alive; exit once every peer is closed.
  setTimeout(() => process.exit(0), 200);
}

createInterface({ input: process.stdin })
  .on("line", (line) => {
    let parsed: FleetCommand;
    try {
      parsed = parseCommand(line);
    } catch (err) {
      emit({ type: "error", message: `fleet command refused: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (parsed.type === "join") void join(parsed.viewers);
    else if (parsed.type === "counts")
      emit({
        type: "counts",
        at: Date.now(),
        packets: Object.fromEntries([...viewers].map(([id, v]) => [id, [v.packets, v.highestSeq]])),
      });
    else stop();
  })
  .on("close", stop);
