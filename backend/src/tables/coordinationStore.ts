import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditionFailure.js";
import { allItems } from "./paging.js";

/** A claim on one audio slot, as the coordination table stores it. */
export interface SlotClaim {
  /** `slot#<channel index>#<slot>`. */
  readonly item: string;
  readonly listenerId: string;
  readonly channelArn: string;
  /** Epoch ms until which the slot stays the holder's (far future while it is connected). */
  readonly heldUntil: number;
}

/** How long coordination items outlive their last write (sessions end within a day). */
const ITEM_TTL_SECONDS = 3 * 86_400;

/**
 * The coordination table: what Lambda containers agree on about a live session, every change
 * a single-item conditional write, so no container needs memory of earlier invocations.
 */
export class CoordinationStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private expiresAt(now: number): number {
    return Math.ceil(now / 1000) + ITEM_TTL_SECONDS;
  }

  // ---- caption order -------------------------------------------------------------

  /** The last segment whose caption went out in `language` (undefined: none yet). */
  async publishedThrough(sessionId: string, language: string): Promise<number | undefined> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.table,
        Key: { sessionId, item: `caption-order#${language}` },
        ConsistentRead: true,
      }),
    );
    return out.Item?.publishedThrough as number | undefined;
  }

  /** Records that segment `seq` went out in `language`; never moves the mark backwards. */
  async markPublished(sessionId: string, language: string, seq: number, now: number): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item: `caption-order#${language}` },
          UpdateExpression: "SET publishedThrough = :q, expiresAt = :e",
          ConditionExpression: "attribute_not_exists(publishedThrough) OR publishedThrough < :q",
          ExpressionAttributeValues: { ":q": seq, ":e": this.expiresAt(now) },
        }),
      );
    } catch (err) {
      // A later segment went out first (it waited long enough): the mark stays there.
      if (!isConditionFailure(err)) throw err;
    }
  }

  // ---- audio slots ---------------------------------------------------------------

  async listSlots(sessionId: string): Promise<SlotClaim[]> {
    return allItems<SlotClaim>(this.dynamo, {
      query: {
        TableName: this.table,
        KeyConditionExpression: "sessionId = :s AND begins_with(#i, :p)",
        ExpressionAttributeNames: { "#i": "item" },
        ExpressionAttributeValues: { ":s": sessionId, ":p": "slot#" },
        ProjectionExpression: "#i, listenerId, channelArn, heldUntil",
        ConsistentRead: true,
      },
    });
  }

  /**
   * Takes a slot if it is free, already the listener's, or its holder's hold ran out. One
   * conditional write per slot: two joins can never both get it, whichever container runs them.
   * Returns whether it was taken, and from whom (another listener whose hold ran out).
   */
  async claimSlot(
    sessionId: string,
    claim: SlotClaim,
    now: number,
  ): Promise<{ readonly claimed: boolean; readonly previousHolder?: string }> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item: claim.item },
          UpdateExpression: "SET listenerId = :l, channelArn = :c, heldUntil = :h, expiresAt = :e",
          ConditionExpression: "attribute_not_exists(listenerId) OR listenerId = :l OR heldUntil < :now",
          ExpressionAttributeValues: {
            ":l": claim.listenerId,
            ":c": claim.channelArn,
            ":h": claim.heldUntil,
            ":e": this.expiresAt(now),
            ":now": now,
          },
          ReturnValues: "ALL_OLD",
        }),
      );
      const previous = out.Attributes?.listenerId as string | undefined;
      return { claimed: true, ...(previous && previous !== claim.listenerId ? { previousHolder: previous } : {}) };
    } catch (err) {
      if (isConditionFailure(err)) return { claimed: false };
      throw err;
    }
  }

  /** Moves the holder's hold (connected: far future; away: the grace period); false if the slot is no longer its. */
  async holdSlot(
    sessionId: string,
    item: string,
    listenerId: string,
    heldUntil: number,
    now: number,
  ): Promise<boolean> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item },
          UpdateExpression: "SET heldUntil = :h, expiresAt = :e",
          ConditionExpression: "listenerId = :l",
          ExpressionAttributeValues: { ":l": listenerId, ":h": heldUntil, ":e": this.expiresAt(now) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  // ---- listener counts -------------------------------------------------------------

  /** A new version for the session's listener counts (1, 2, …): newer counts carry a higher one. */
  async nextCountsVersion(sessionId: string, now: number): Promise<number> {
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, item: "listener-counts" },
        UpdateExpression: "ADD version :one SET expiresAt = :e",
        ExpressionAttributeValues: { ":one": 1, ":e": this.expiresAt(now) },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.version ?? 1);
  }

  async countsVersion(sessionId: string): Promise<number> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: { sessionId, item: "listener-counts" }, ConsistentRead: true }),
    );
    return Number(out.Item?.version ?? 0);
  }
}
