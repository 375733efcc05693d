import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { RelayState } from "../services/channelPool.js";
import { isConditionFailure } from "./conditionFailure.js";
import { allItems } from "./paging.js";

/**
 * The relay registry, in the coordination table under a partition no session id can take
 * (`#relays`; session ids are `word-word-123`): one item per relay with its capacity, last
 * heartbeat, load, drain flag and the sessions it has pool channels in (`session#<id>`
 * attributes, so adding one is a single-item write from any container). Nothing about relays
 * lives in Lambda memory. Items expire a day after the last heartbeat (DynamoDB TTL).
 */
const REGISTRY_PARTITION = "#relays";
const RELAY_PREFIX = "relay#";
const SESSION_PREFIX = "session#";
const RELAY_TTL_SECONDS = 86_400;
/** Attribute names go through placeholders: some (`capacity`) are DynamoDB reserved words. */
const NAMES = {
  "#r": "relayId",
  "#c": "capacity",
  "#seen": "lastSeenAt",
  "#d": "draining",
  "#l": "listeners",
  "#e": "expiresAt",
} as const;

export interface RegisteredRelay extends RelayState {
  /** Sessions the relay masters pool channels in. */
  readonly sessions: readonly string[];
}

function fromItem(item: Record<string, unknown>): RegisteredRelay {
  return {
    relayId: String(item.relayId),
    capacity: Number(item.capacity ?? 0),
    listeners: Number(item.listeners ?? 0),
    lastSeenAt: Number(item.lastSeenAt ?? 0),
    draining: item.draining === true,
    sessions: Object.keys(item)
      .filter((k) => k.startsWith(SESSION_PREFIX))
      .map((k) => k.slice(SESSION_PREFIX.length)),
  };
}

export class RelayRegistryStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key(relayId: string) {
    return { sessionId: REGISTRY_PARTITION, item: `${RELAY_PREFIX}${relayId}` };
  }

  /**
   * Registers a relay (or a restarted one under the same id, which keeps its sessions and so
   * masters its channels again): alive now, not draining.
   */
  async register(relayId: string, capacity: number, now: number): Promise<RegisteredRelay> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(relayId),
        UpdateExpression: "SET #r = :r, #c = :c, #seen = :now, #d = :f, #l = if_not_exists(#l, :zero), #e = :e",
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ":r": relayId,
          ":c": capacity,
          ":now": now,
          ":f": false,
          ":zero": 0,
          ":e": Math.ceil(now / 1000) + RELAY_TTL_SECONDS,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return fromItem(out.Attributes ?? {});
  }

  /**
   * A heartbeat: the relay is alive now with this load. Undefined when the relay is not
   * registered (its item expired, or it never registered): it must register again.
   */
  async heartbeat(
    relayId: string,
    report: { readonly listeners: number; readonly draining: boolean },
    now: number,
  ): Promise<RegisteredRelay | undefined> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(relayId),
          // A drain once set (by the relay or an operator) stays until the relay registers again.
          UpdateExpression: `SET #seen = :now, #l = :l, #e = :e${report.draining ? ", #d = :t" : ""}`,
          ConditionExpression: "attribute_exists(#r)",
          ExpressionAttributeNames: {
            "#seen": NAMES["#seen"],
            "#l": NAMES["#l"],
            "#e": NAMES["#e"],
            "#r": NAMES["#r"],
            ...(report.draining ? { "#d": NAMES["#d"] } : {}),
          },
          ExpressionAttributeValues: {
            ":now": now,
            ":l": report.listeners,
            ":e": Math.ceil(now / 1000) + RELAY_TTL_SECONDS,
            ...(report.draining ? { ":t": true } : {}),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return fromItem(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /**
   * An operator's drain: no new listeners go to the relay, live relays adopt its channels, and its
   * agent exits once it serves nothing (docs/relays.md). Undefined when the relay is not registered.
   * The flag stays until the relay registers again (a restarted agent, or a new task).
   */
  async drain(relayId: string): Promise<RegisteredRelay | undefined> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(relayId),
          UpdateExpression: "SET #d = :t",
          ConditionExpression: "attribute_exists(#r)",
          ExpressionAttributeNames: { "#d": NAMES["#d"], "#r": NAMES["#r"] },
          ExpressionAttributeValues: { ":t": true },
          ReturnValues: "ALL_NEW",
        }),
      );
      return fromItem(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /** Every registered relay (dead ones included: the planner skips them). */
  async list(): Promise<RegisteredRelay[]> {
    const items = await allItems<Record<string, unknown>>(this.dynamo, {
      query: {
        TableName: this.table,
        KeyConditionExpression: "sessionId = :p AND begins_with(#i, :r)",
        ExpressionAttributeNames: { "#i": "item" },
        ExpressionAttributeValues: { ":p": REGISTRY_PARTITION, ":r": RELAY_PREFIX },
        ConsistentRead: true,
      },
    });
    return items.map(fromItem);
  }

  /** Records that the relay masters channels of `sessionId` (false: the relay is not registered). */
  async addSession(relayId: string, sessionId: string, now: number): Promise<boolean> {
    return this.setSession(relayId, sessionId, now);
  }

  /** The session ended: the relay no longer serves it. */
  async removeSession(relayId: string, sessionId: string): Promise<void> {
    await this.setSession(relayId, sessionId, undefined);
  }

  private async setSession(relayId: string, sessionId: string, now: number | undefined): Promise<boolean> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(relayId),
          UpdateExpression: now === undefined ? "REMOVE #s" : "SET #s = :now",
          ConditionExpression: "attribute_exists(#r)",
          ExpressionAttributeNames: { "#s": `${SESSION_PREFIX}${sessionId}`, "#r": NAMES["#r"] },
          ...(now === undefined ? {} : { ExpressionAttributeValues: { ":now": now } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
