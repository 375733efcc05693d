import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { SessionStatus } from "@babelcast/protocol";
import { countsDelta, viewerChange } from "../services/listenerCounts.js";
import { isConditionFailure } from "./conditionFailure.js";
import { CoordinationStore } from "./coordinationStore.js";
import type { TableNames } from "./definitions.js";
import { allItems } from "./paging.js";
import type {
  ChannelRecord,
  ConnectionRecord,
  ListenerRecord,
  SegmentRecord,
  SegmentTranslation,
  SessionRecord,
} from "./records.js";
import { RelayRegistryStore } from "./relayRegistryStore.js";

/** Data access for the sessions backend: every table read and write goes through here. */

/** Every session status but "ended" (the `byStatus` index partitions). */
export const OPEN_SESSION_STATUSES = SessionStatus.options.filter((s) => s !== "ended");

export class SessionStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: { sessionId }, ConsistentRead: true }),
    );
    return out.Item as SessionRecord | undefined;
  }

  /** Writes a new session; false when the id is taken. */
  async create(record: SessionRecord): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutCommand({ TableName: this.table, Item: record, ConditionExpression: "attribute_not_exists(sessionId)" }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Sets fields of a session that has not ended; returns the new record, undefined if it ended
   * meanwhile or a field of `expected` no longer holds its value (someone changed it first).
   */
  async update(
    sessionId: string,
    changes: Partial<SessionRecord>,
    allowEnded = false,
    expected: Readonly<Record<string, string>> = {},
  ): Promise<SessionRecord | undefined> {
    const entries = Object.entries(changes).filter(([k, v]) => v !== undefined && k !== "sessionId");
    if (entries.length === 0) return this.get(sessionId);
    const names: Record<string, string> = { "#status": "status" };
    const values: Record<string, unknown> = { ":ended": "ended" };
    const sets = entries.map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
    const held = Object.entries(expected).map(([k, v], i) => {
      names[`#e${i}`] = k;
      values[`:e${i}`] = v;
      return ` AND #e${i} = :e${i}`;
    });
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression:
            (allowEnded ? "attribute_exists(sessionId)" : "attribute_exists(sessionId) AND #status <> :ended") +
            held.join(""),
          ExpressionAttributeNames: allowEnded ? Object.fromEntries(Object.entries(names).slice(1)) : names,
          ExpressionAttributeValues: allowEnded ? Object.fromEntries(Object.entries(values).slice(1)) : values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes as SessionRecord;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /** Appends a channel to the pool only if the pool still has `expectedCount` channels (no duplicates on races). */
  async addChannel(
    sessionId: string,
    channel: ChannelRecord,
    expectedCount: number,
  ): Promise<SessionRecord | undefined> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId },
          UpdateExpression: "SET channels = list_append(channels, :c)",
          ConditionExpression: "size(channels) = :n AND #status <> :ended",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":c": [channel], ":n": expectedCount, ":ended": "ended" },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes as SessionRecord;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /**
   * Hands pool channel `position` (its place in the list) from relay `from` to relay `to`, only
   * while it is still that channel and `from`'s: of two relays adopting it, one wins.
   */
  async moveChannel(
    sessionId: string,
    position: number,
    channelArn: string,
    from: string,
    to: string,
  ): Promise<boolean> {
    if (!Number.isInteger(position) || position < 0) throw new Error(`no channel at position ${position}`);
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId },
          UpdateExpression: `SET channels[${position}].relayId = :to`,
          ConditionExpression: `channels[${position}].channelArn = :arn AND channels[${position}].relayId = :from AND #status <> :ended`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":to": to, ":arn": channelArn, ":from": from, ":ended": "ended" },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Records the session's uplink channel, only if it has none and is open; undefined when it had one or ended. */
  async setUplink(sessionId: string, uplink: ChannelRecord): Promise<SessionRecord | undefined> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId },
          UpdateExpression: "SET uplink = :u",
          ConditionExpression: "attribute_not_exists(uplink) AND #status <> :ended",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":u": uplink, ":ended": "ended" },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes as SessionRecord;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /**
   * Makes `toOwnerId` the owner and counts one more hand-off, only while the session is still
   * `from`'s at the hand-off count `from.hubEpoch` and open: of two claims racing, one wins.
   */
  async transferOwner(
    sessionId: string,
    from: { readonly ownerId: string; readonly hubEpoch: number },
    toOwnerId: string,
    now: number,
  ): Promise<SessionRecord | undefined> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId },
          UpdateExpression: "SET ownerId = :to, hubEpoch = :next, updatedAt = :now",
          ConditionExpression:
            "ownerId = :from AND #status <> :ended AND " +
            (from.hubEpoch === 0 ? "(attribute_not_exists(hubEpoch) OR hubEpoch = :e)" : "hubEpoch = :e"),
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":to": toOwnerId,
            ":from": from.ownerId,
            ":e": from.hubEpoch,
            ":next": from.hubEpoch + 1,
            ":now": now,
            ":ended": "ended",
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes as SessionRecord;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async listByOwner(ownerId: string): Promise<SessionRecord[]> {
    return allItems<SessionRecord>(this.dynamo, {
      query: {
        TableName: this.table,
        IndexName: "byOwner",
        KeyConditionExpression: "ownerId = :o",
        ExpressionAttributeValues: { ":o": ownerId },
        ScanIndexForward: false,
      },
    });
  }

  /**
   * Sessions not ended (the scheduled cleanup reads them): one query per open status on the
   * `byStatus` index, never a scan of the whole table; each found session is then read
   * consistently (the index is eventually consistent and holds keys only).
   */
  async listOpen(): Promise<SessionRecord[]> {
    const keys = await Promise.all(
      OPEN_SESSION_STATUSES.map((status) =>
        allItems<Pick<SessionRecord, "sessionId">>(this.dynamo, {
          query: {
            TableName: this.table,
            IndexName: "byStatus",
            KeyConditionExpression: "#status = :status",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":status": status },
          },
        }),
      ),
    );
    const sessions = await Promise.all(keys.flat().map((k) => this.get(k.sessionId)));
    return sessions.filter((s): s is SessionRecord => s !== undefined && s.status !== "ended");
  }
}

/**
 * A listener row's write as DynamoDB did it: the row before and after (undefined: none), and the
 * counts version the change took when it changed the session's counts.
 */
export interface ListenerChange {
  readonly before?: ListenerRecord;
  readonly after?: ListenerRecord;
  readonly countsVersion?: number;
}

/**
 * Tries of a viewer entry's move before giving up (5·2^n ms apart, about 0.3 s in all): enough
 * for the previous change of the same listener, in another container, to land.
 */
const VIEWER_MOVE_ATTEMPTS = 6;

export class ListenerStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly coordination: CoordinationStore,
  ) {}

  async get(sessionId: string, listenerId: string): Promise<ListenerRecord | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: { sessionId, listenerId }, ConsistentRead: true }),
    );
    return out.Item as ListenerRecord | undefined;
  }

  /**
   * Every write of a listener row ends here: the session's counters (and viewer map) take the
   * row's before → after, so the counts follow the rows whoever writes them. The viewer entry is
   * written before the counters, so a push that reads a version at least this change's sees it.
   * A container stopping between the row and the counters leaves drift the scheduled cleanup's
   * recount corrects (`reconcileListenerCounts`).
   */
  private async record(
    before: ListenerRecord | undefined,
    after: ListenerRecord | undefined,
    now: number,
  ): Promise<ListenerChange> {
    const sessionId = (after ?? before)?.sessionId;
    const delta = countsDelta(before, after);
    const viewer = viewerChange(before, after);
    if (!sessionId || (Object.keys(delta).length === 0 && !viewer)) return { before, after };
    if (viewer) {
      let moved = false;
      for (let attempt = 0; attempt < VIEWER_MOVE_ATTEMPTS && !moved; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
        moved = await this.coordination.moveViewer(sessionId, viewer.listenerId, viewer.from, viewer.language, now);
      }
      // Still not where this change starts from: the entry drifted (a container stopped
      // mid-change); the counters still take the change, and the cleanup's recount fixes the entry.
    }
    const countsVersion = await this.coordination.addToCounts(sessionId, delta, now);
    return { before, after, countsVersion };
  }

  /** Writes the whole row (a join or rejoin, a refresh); the counts follow what it replaced. */
  async put(record: ListenerRecord): Promise<ListenerChange> {
    const out = await this.dynamo.send(
      new PutCommand({ TableName: this.table, Item: record, ReturnValues: "ALL_OLD" }),
    );
    return this.record(out.Attributes as ListenerRecord | undefined, record, record.lastActiveAt);
  }

  async listBySession(sessionId: string): Promise<ListenerRecord[]> {
    return allItems<ListenerRecord>(this.dynamo, {
      query: {
        TableName: this.table,
        KeyConditionExpression: "sessionId = :s",
        ExpressionAttributeValues: { ":s": sessionId },
        ConsistentRead: true,
      },
    });
  }

  /**
   * Marks a listener connected on `connectionId` (or disconnected, only if still on
   * `connectionId`). `after` is undefined when nothing was written (no such listener, or it is
   * on another connection now). The row before comes back from the write itself (ALL_OLD), and
   * the row after is that with this update's SET and REMOVE applied.
   */
  async setConnection(
    sessionId: string,
    listenerId: string,
    connectionId: string,
    connected: boolean,
    now: number,
  ): Promise<ListenerChange> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, listenerId },
          UpdateExpression: connected
            ? "SET connected = :t, connectionId = :c, lastActiveAt = :now"
            : "SET connected = :f, lastActiveAt = :now REMOVE connectionId",
          ConditionExpression: connected ? "attribute_exists(listenerId)" : "connectionId = :c",
          ExpressionAttributeValues: connected
            ? { ":t": true, ":c": connectionId, ":now": now }
            : { ":f": false, ":c": connectionId, ":now": now },
          ReturnValues: "ALL_OLD",
        }),
      );
      const before = out.Attributes as ListenerRecord;
      const { connectionId: _was, ...rest } = before;
      const after: ListenerRecord = connected
        ? { ...before, connected: true, connectionId, lastActiveAt: now }
        : { ...rest, connected: false, lastActiveAt: now };
      return this.record(before, after, now);
    } catch (err) {
      if (isConditionFailure(err)) return {};
      throw err;
    }
  }

  /** The listener lost its audio slot to another (it was away past the grace period). */
  async dropSlot(
    sessionId: string,
    listenerId: string,
    slotItem: string,
    reason: string,
    now: number,
  ): Promise<ListenerChange> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, listenerId },
          UpdateExpression: "SET captionsOnlyReason = :r REMOVE channelArn, slotItem",
          ConditionExpression: "slotItem = :s",
          ExpressionAttributeValues: { ":r": reason, ":s": slotItem },
          ReturnValues: "ALL_OLD",
        }),
      );
      const before = out.Attributes as ListenerRecord;
      const { channelArn: _c, slotItem: _s, ...rest } = before;
      return this.record(before, { ...rest, captionsOnlyReason: reason }, now);
    } catch (err) {
      if (isConditionFailure(err)) return {};
      throw err;
    }
  }

  async setLanguage(sessionId: string, listenerId: string, language: string, now: number): Promise<ListenerChange> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, listenerId },
        UpdateExpression: "SET #l = :l",
        ConditionExpression: "attribute_exists(listenerId)",
        ExpressionAttributeNames: { "#l": "language" },
        ExpressionAttributeValues: { ":l": language },
        ReturnValues: "ALL_OLD",
      }),
    );
    const before = out.Attributes as ListenerRecord;
    return this.record(before, { ...before, language }, now);
  }
}

export class ConnectionStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: { connectionId }, ConsistentRead: true }),
    );
    return out.Item as ConnectionRecord | undefined;
  }

  async put(record: ConnectionRecord): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: record }));
  }

  async delete(connectionId: string): Promise<ConnectionRecord | undefined> {
    const out = await this.dynamo.send(
      new DeleteCommand({ TableName: this.table, Key: { connectionId }, ReturnValues: "ALL_OLD" }),
    );
    return out.Attributes as ConnectionRecord | undefined;
  }

  async setLanguage(connectionId: string, language: string): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { connectionId },
        UpdateExpression: "SET #l = :l",
        ConditionExpression: "attribute_exists(connectionId)",
        ExpressionAttributeNames: { "#l": "language" },
        ExpressionAttributeValues: { ":l": language },
      }),
    );
  }

  /** Every connection row (the embedded gateway clears rows its previous run left behind). */
  async scanAll(): Promise<ConnectionRecord[]> {
    return allItems<ConnectionRecord>(this.dynamo, { scan: { TableName: this.table } });
  }

  async listBySession(sessionId: string): Promise<ConnectionRecord[]> {
    return allItems<ConnectionRecord>(this.dynamo, {
      query: {
        TableName: this.table,
        IndexName: "bySession",
        KeyConditionExpression: "sessionId = :s",
        ExpressionAttributeValues: { ":s": sessionId },
      },
    });
  }
}

export class SegmentStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Writes a segment once: false when this seq is already stored (a re-send). */
  async create(record: SegmentRecord): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutCommand({ TableName: this.table, Item: record, ConditionExpression: "attribute_not_exists(seq)" }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async get(sessionId: string, seq: number): Promise<SegmentRecord | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: { sessionId, seq }, ConsistentRead: true }),
    );
    return out.Item as SegmentRecord | undefined;
  }

  async putTranslation(
    sessionId: string,
    seq: number,
    language: string,
    translation: SegmentTranslation,
  ): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, seq },
        UpdateExpression: "SET translations.#l = :t",
        ConditionExpression: "attribute_exists(seq)",
        ExpressionAttributeNames: { "#l": language },
        ExpressionAttributeValues: { ":t": translation },
      }),
    );
  }

  /** Which languages each stored segment from `fromSeq` to `toSeq` went out in (oldest first). */
  async languagesBetween(
    sessionId: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<{ readonly seq: number; readonly languages?: readonly string[] }[]> {
    if (toSeq < fromSeq) return [];
    return allItems(this.dynamo, {
      query: {
        TableName: this.table,
        KeyConditionExpression: "sessionId = :s AND seq BETWEEN :a AND :b",
        ExpressionAttributeValues: { ":s": sessionId, ":a": fromSeq, ":b": toSeq },
        ProjectionExpression: "seq, languages",
        ConsistentRead: true,
      },
    });
  }

  /** The highest seq stored for the session, -1 when none is: one item read, newest first. */
  async lastSeq(sessionId: string): Promise<number> {
    const out = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "sessionId = :s",
        ExpressionAttributeValues: { ":s": sessionId },
        ProjectionExpression: "seq",
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const seq = (out.Items?.[0] as { seq?: number } | undefined)?.seq;
    return typeof seq === "number" ? seq : -1;
  }

  /** Segments after `afterSeq`, oldest first; with `first`, only the first `first` of them. */
  async listAfter(sessionId: string, afterSeq: number, first?: number): Promise<SegmentRecord[]> {
    const input = {
      TableName: this.table,
      KeyConditionExpression: "sessionId = :s AND seq > :q",
      ExpressionAttributeValues: { ":s": sessionId, ":q": afterSeq },
      ConsistentRead: true,
    };
    if (first === undefined) return allItems<SegmentRecord>(this.dynamo, { query: input });
    const out = await this.dynamo.send(new QueryCommand({ ...input, Limit: first }));
    return (out.Items ?? []) as SegmentRecord[];
  }
}

export class RateLimitStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Adds one to a window's counter and returns the new count. */
  async increment(bucket: string, expiresAt: number): Promise<number> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { bucket },
        UpdateExpression: "ADD hits :one SET expiresAt = :e",
        ExpressionAttributeValues: { ":one": 1, ":e": expiresAt },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.hits ?? 1);
  }
}

export interface Stores {
  readonly sessions: SessionStore;
  readonly listeners: ListenerStore;
  readonly connections: ConnectionStore;
  readonly segments: SegmentStore;
  readonly rateLimits: RateLimitStore;
  readonly coordination: CoordinationStore;
  /** The relay registry (in the coordination table). */
  readonly relays: RelayRegistryStore;
}

export function createStores(dynamo: DynamoDBDocumentClient, tables: TableNames): Stores {
  const coordination = new CoordinationStore(dynamo, tables.coordination);
  return {
    sessions: new SessionStore(dynamo, tables.sessions),
    listeners: new ListenerStore(dynamo, tables.listeners, coordination),
    connections: new ConnectionStore(dynamo, tables.connections),
    segments: new SegmentStore(dynamo, tables.segments),
    rateLimits: new RateLimitStore(dynamo, tables.rateLimits),
    coordination,
    relays: new RelayRegistryStore(dynamo, tables.coordination),
  };
}
