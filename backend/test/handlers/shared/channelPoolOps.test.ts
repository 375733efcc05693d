import type { ServerMessage, SignalingGrant } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import type { PoolGrowth } from "../../../src/aws/poolGrowthInvoker.js";
import type { BackendDeps } from "../../../src/handlers/shared/backendDeps.js";
import { claimAudioSlot, growPool } from "../../../src/handlers/shared/channelPoolOps.js";
import { type PoolLimits, poolSlots } from "../../../src/services/channelPool.js";
import type { ChannelRecord, ConnectionRecord, SessionRecord } from "../../../src/tables/records.js";

const NOW = 1_800_000_000_000;
const SESSION_ID = "brave-otter-123";

const channel = (index: number): ChannelRecord => ({
  channelArn: `arn:aws:kinesisvideo:us-east-1:123456789012:channel/test-${SESSION_ID}-${index}/1`,
  channelName: `test-${SESSION_ID}-${index}`,
  index,
  createdAt: NOW,
});

const session = (channels: ChannelRecord[], status: SessionRecord["status"] = "live"): SessionRecord =>
  ({ sessionId: SESSION_ID, status, channels, audioCapacity: 10 }) as unknown as SessionRecord;

const consoleConnection: ConnectionRecord = {
  connectionId: "console-1",
  sessionId: SESSION_ID,
  role: "console",
  connectedAt: NOW - 60_000,
  expiresAt: Math.ceil(NOW / 1000) + 3600,
};

/** A pool over an in-memory session row with DynamoDB's conditional append, a fake KVS and a fake console. */
function fakePool(initial: SessionRecord, poolGrowth?: PoolGrowth) {
  let stored = initial;
  const created: string[] = [];
  const sentToConsole: ServerMessage[] = [];
  const holds: { item: string; listenerId: string; channelArn: string; heldUntil: number }[] = [];
  const deps = {
    config: { channelNamePrefix: "test-", limits: { viewersPerChannel: 2, slotGraceSeconds: 120 } },
    now: () => NOW,
    random: () => 0,
    sleep: async () => undefined,
    log: { info() {}, warn() {}, error() {} },
    channels: {
      async create(name: string) {
        created.push(name);
        return channel(Number(name.split("-").at(-1))).channelArn;
      },
      async delete() {},
      async grant(channelArn: string, role: "MASTER" | "VIEWER") {
        return { channelArn, role } as SignalingGrant;
      },
    },
    poolGrowth: poolGrowth ?? {
      grow: async () => {
        throw new Error("the join must not grow the pool itself here");
      },
    },
    stores: {
      sessions: {
        get: async () => stored,
        async addChannel(_id: string, added: ChannelRecord, expectedCount: number) {
          if (stored.channels.length !== expectedCount || stored.status === "ended") return undefined;
          stored = { ...stored, channels: [...stored.channels, added] };
          return stored;
        },
      },
      connections: { listBySession: async () => [consoleConnection], delete: async () => undefined },
      coordination: {
        consoleConnections: async () => [
          { connectionId: consoleConnection.connectionId, connectedAt: consoleConnection.connectedAt },
        ],
        listSlots: async () => holds,
        async claimSlot(_id: string, claim: (typeof holds)[number]) {
          if (holds.some((h) => h.item === claim.item)) return { claimed: false };
          holds.push(claim);
          return { claimed: true };
        },
      },
      listeners: { dropSlot: async () => undefined },
    },
    sockets: {
      async send(_connectionId: string, message: ServerMessage) {
        sentToConsole.push(message);
        return true;
      },
    },
  } as unknown as BackendDeps;
  return { deps, created, sentToConsole, holds, stored: () => stored };
}

describe("growPool (the pool-growth function)", () => {
  it("adds the next channel while the pool still has the expected count, and tells the console", async () => {
    const pool = fakePool(session([channel(0)]));
    const result = await growPool(pool.deps, { sessionId: SESSION_ID, expectedChannelCount: 1 });
    expect(result).toEqual({ status: "open", channels: [channel(0), channel(1)] });
    expect(pool.created).toEqual([`test-${SESSION_ID}-1`]);
    expect(pool.sentToConsole).toEqual([
      { type: "channel-added", signaling: { channelArn: channel(1).channelArn, role: "MASTER" } },
    ]);
  });

  it("creates nothing when another join grew the pool first, and answers the channels as stored", async () => {
    const pool = fakePool(session([channel(0), channel(1)]));
    const result = await growPool(pool.deps, { sessionId: SESSION_ID, expectedChannelCount: 1 });
    expect(result).toEqual({ status: "open", channels: [channel(0), channel(1)] });
    expect(pool.created).toEqual([]);
    expect(pool.sentToConsole).toEqual([]);
  });

  it("answers ended for an ended session and creates nothing", async () => {
    const pool = fakePool(session([channel(0)], "ended"));
    expect(await growPool(pool.deps, { sessionId: SESSION_ID, expectedChannelCount: 1 })).toEqual({
      status: "ended",
    });
    expect(pool.created).toEqual([]);
  });
});

describe("claimAudioSlot (the join)", () => {
  const limits: PoolLimits = { audioCapacity: 10, viewersPerChannel: 2, slotGraceMs: 120_000 };

  it("has the pool-growth port add a channel when every slot is held, and never creates one itself", async () => {
    const grown: number[] = [];
    const pool = fakePool(session([channel(0)]), {
      async grow(current) {
        grown.push(current.channels.length);
        return [...current.channels, channel(1)];
      },
    });
    for (const slot of poolSlots([channel(0)], limits)) {
      pool.holds.push({
        item: slot.item,
        listenerId: `other-${slot.item}`,
        channelArn: slot.channelArn,
        heldUntil: NOW + 1e6,
      });
    }
    const { decision, session: current } = await claimAudioSlot(pool.deps, pool.stored(), "l-new", NOW + 1e6);
    expect(grown).toEqual([1]);
    expect(pool.created).toEqual([]);
    expect(decision).toMatchObject({ kind: "slot", slot: { channelArn: channel(1).channelArn } });
    expect(current.channels).toEqual([channel(0), channel(1)]);
  });

  it("claims a free slot without asking for growth", async () => {
    const pool = fakePool(session([channel(0)]));
    const { decision } = await claimAudioSlot(pool.deps, pool.stored(), "l-new", NOW + 1e6);
    expect(decision).toMatchObject({ kind: "slot", slot: { channelArn: channel(0).channelArn } });
  });
});
