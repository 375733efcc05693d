import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { countsFromCounters } from "../services/listenerCounts.js";
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

/** An interpreter invite as stored: the token's SHA-256, the language, until when it may be redeemed. */
export interface StoredInvite {
  readonly tokenHash: string;
  readonly language: string;
  /** Epoch ms. */
  readonly validUntil: number;
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
  //
  // Two items per session. `listener-counts` holds `version` and the counters (`total`,
  // `captionsOnly`, `lang#<code>`, `channel#<ARN>`): every listener change is one UpdateItem
  // that ADDs its delta and 1 to `version`, so counts never need the listener rows read, and a
  // consistent GetItem returns counts and their version together. `listener-viewers` holds
  // `v#<listenerId>` = language for connected listeners with an audio channel (the console routes
  // each viewer's track by it): at most the session's audio capacity (≤ 10,000) entries of about
  // 25 bytes, well under DynamoDB's 400 KB item size
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items),
  // and changed only when a viewer comes, goes or switches language.

  /**
   * Adds one listener change to the session's counters and takes the next counts version, in one
   * atomic update (ADD commutes, so concurrent changes from any container add up in any order).
   * Returns the new version.
   */
  async addToCounts(sessionId: string, delta: Readonly<Record<string, number>>, now: number): Promise<number> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":one": 1, ":e": this.expiresAt(now) };
    const adds = ["version :one"];
    Object.entries(delta).forEach(([attribute, change], i) => {
      names[`#c${i}`] = attribute;
      values[`:c${i}`] = change;
      adds.push(`#c${i} :c${i}`);
    });
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, item: COUNTS_ITEM },
        UpdateExpression: `ADD ${adds.join(", ")} SET expiresAt = :e`,
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        // The whole counters item: the report's timeline keeps the counts each change left.
        ReturnValues: "ALL_NEW",
      }),
    );
    const version = Number(out.Attributes?.version ?? 1);
    if (Object.keys(delta).length > 0) await this.recordCountsSample(sessionId, version, out.Attributes ?? {}, now);
    return version;
  }

  // ---- listener timeline (the session report) ----------------------------------------
  //
  // Every counts change also writes the counts it left (total and per language) into the
  // item of its 10-second bucket, `listeners#<bucket start ms>`, as attribute `s#<version>`:
  // about 60 bytes each, so a bucket holds thousands of changes under DynamoDB's 400 KB item
  // size (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items).
  // A bucket that still fills up refuses the write (ValidationException): that sample is
  // dropped and the counts themselves are unaffected. Kept a month, past the session's end.

  private async recordCountsSample(
    sessionId: string,
    version: number,
    counters: Readonly<Record<string, unknown>>,
    now: number,
  ): Promise<void> {
    const { total, byLanguage } = countsFromCounters(counters, {});
    const sample: ListenerTimelineSample = { at: now, version, total, byLanguage };
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item: timelineItem(now) },
          UpdateExpression: "SET #s = :s, expiresAt = :e",
          ExpressionAttributeNames: { "#s": `${SAMPLE_PREFIX}${version}` },
          ExpressionAttributeValues: { ":s": sample, ":e": Math.ceil(now / 1000) + TIMELINE_TTL_SECONDS },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== "ValidationException") throw err;
    }
  }

  /** Every counts sample of the session, by version (oldest first). */
  async listenerTimeline(sessionId: string): Promise<ListenerTimelineSample[]> {
    const items = await allItems<Record<string, unknown>>(this.dynamo, {
      query: {
        TableName: this.table,
        KeyConditionExpression: "sessionId = :s AND begins_with(#i, :p)",
        ExpressionAttributeNames: { "#i": "item" },
        ExpressionAttributeValues: { ":s": sessionId, ":p": TIMELINE_PREFIX },
        ConsistentRead: true,
      },
    });
    const samples: ListenerTimelineSample[] = [];
    for (const item of items) {
      for (const [k, v] of Object.entries(item))
        if (k.startsWith(SAMPLE_PREFIX)) samples.push(v as ListenerTimelineSample);
    }
    return samples.sort((a, b) => a.version - b.version);
  }

  /**
   * Moves one viewer's entry in the session's viewer map from `from` to `to` (a language, or
   * null: no entry), only if it is `from` now. A listener's row changes one at a time, so its
   * entry's changes form a chain; a change whose predecessor (written by another container) has
   * not landed yet finds the entry not at `from` and returns false, for the caller to try again
   * shortly, so the entry cannot end on an older state than the row's.
   */
  async moveViewer(
    sessionId: string,
    listenerId: string,
    from: string | null,
    to: string | null,
    now: number,
  ): Promise<boolean> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item: VIEWERS_ITEM },
          UpdateExpression:
            to === null ? "REMOVE #v ADD rev :one SET expiresAt = :e" : "SET #v = :to, expiresAt = :e ADD rev :one",
          ConditionExpression: from === null ? "attribute_not_exists(#v)" : "#v = :from",
          ExpressionAttributeNames: { "#v": `${VIEWER_PREFIX}${listenerId}` },
          ExpressionAttributeValues: {
            ":one": 1,
            ":e": this.expiresAt(now),
            ...(to === null ? {} : { ":to": to }),
            ...(from === null ? {} : { ":from": from }),
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** The counters with their version, and the viewer map with its revision (two consistent GetItems, whatever the audience). */
  async readCounts(sessionId: string): Promise<StoredCounts> {
    const [counts, viewers] = await Promise.all(
      [COUNTS_ITEM, VIEWERS_ITEM].map((item) =>
        this.dynamo.send(new GetCommand({ TableName: this.table, Key: { sessionId, item }, ConsistentRead: true })),
      ),
    );
    const counters: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(counts?.Item ?? {})) {
      if (!NOT_COUNTERS.has(k)) counters[k] = v;
    }
    const byViewer: Record<string, string> = {};
    for (const [k, v] of Object.entries(viewers?.Item ?? {})) {
      if (k.startsWith(VIEWER_PREFIX) && typeof v === "string") byViewer[k.slice(VIEWER_PREFIX.length)] = v;
    }
    return {
      version: Number(counts?.Item?.version ?? 0),
      counters,
      viewersRev: Number(viewers?.Item?.rev ?? 0),
      byViewer,
    };
  }

  /** A new version for the session's listener counts (1, 2, …): newer counts carry a higher one. */
  async nextCountsVersion(sessionId: string, now: number): Promise<number> {
    return this.addToCounts(sessionId, {}, now);
  }

  async countsVersion(sessionId: string): Promise<number> {
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.table,
        Key: { sessionId, item: COUNTS_ITEM },
        ConsistentRead: true,
        ProjectionExpression: "version",
      }),
    );
    return Number(out.Item?.version ?? 0);
  }

  /**
   * Replaces the counters with a recount, only if no change landed since `seen` was read (its
   * version): a listener change racing the recount wins, and the next recount looks again.
   * Takes a new version so the console prefers the corrected counts. Returns it, or undefined
   * when a change came first.
   */
  async replaceCounts(
    sessionId: string,
    seen: StoredCounts,
    counters: Readonly<Record<string, number>>,
    now: number,
  ): Promise<number | undefined> {
    const version = seen.version + 1;
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...counters, sessionId, item: COUNTS_ITEM, version, expiresAt: this.expiresAt(now) },
          ConditionExpression: seen.version === 0 ? "attribute_not_exists(version)" : "version = :v",
          ...(seen.version === 0 ? {} : { ExpressionAttributeValues: { ":v": seen.version } }),
        }),
      );
      return version;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /** Replaces the viewer map with a recount, only if it did not change since `seen` was read. */
  async replaceViewers(
    sessionId: string,
    seen: StoredCounts,
    byViewer: Readonly<Record<string, string>>,
    now: number,
  ): Promise<boolean> {
    const entries = Object.fromEntries(Object.entries(byViewer).map(([id, l]) => [`${VIEWER_PREFIX}${id}`, l]));
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...entries, sessionId, item: VIEWERS_ITEM, rev: seen.viewersRev + 1, expiresAt: this.expiresAt(now) },
          ConditionExpression: seen.viewersRev === 0 ? "attribute_not_exists(rev)" : "rev = :r",
          ...(seen.viewersRev === 0 ? {} : { ExpressionAttributeValues: { ":r": seen.viewersRev } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  // ---- hand-offs -------------------------------------------------------------------

  /** Stores a one-time hand-off under the hash of its code (the code itself is never stored). */
  async putHandOff(
    sessionId: string,
    codeHash: string,
    validUntil: number,
    createdBy: string,
    now: number,
    forPresenter?: string,
    listing?: HandOffListing,
  ): Promise<void> {
    const expiresAt = Math.ceil(validUntil / 1000) + HANDOFF_TTL_GRACE_SECONDS;
    await this.dynamo.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          sessionId,
          item: `${HANDOFF_PREFIX}${codeHash}`,
          createdBy,
          ...(forPresenter ? { forPresenter } : {}),
          validUntil,
          expiresAt,
          createdAt: now,
        },
        ConditionExpression: "attribute_not_exists(#i)",
        ExpressionAttributeNames: { "#i": "item" },
      }),
    );
    if (!forPresenter) return;
    // The named presenter's list (`GET /handoffs`): one partition per e-mail, read by one Query.
    // Written after the hand-off itself, so a listed hand-off always exists; the claim stays the
    // authority (a stale entry is refused as used or expired).
    await this.dynamo.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          sessionId: `${PRESENTER_PREFIX}${forPresenter}`,
          item: `${HANDOFF_PREFIX}${sessionId}#${codeHash}`,
          handOffSession: sessionId,
          handOff: codeHash,
          title: listing?.title ?? "",
          ...(listing?.from ? { from: listing.from } : {}),
          validUntil,
          expiresAt,
        },
      }),
    );
  }

  /** The hand-offs listed for a presenter's e-mail that are still valid at `now`. */
  async handOffsFor(email: string, now: number): Promise<ListedHandOff[]> {
    const items = await allItems<Record<string, unknown>>(this.dynamo, {
      query: {
        TableName: this.table,
        KeyConditionExpression: "sessionId = :p AND begins_with(#i, :h)",
        // TTL deletes expired items only eventually, so the query checks validUntil itself.
        FilterExpression: "validUntil > :now",
        ExpressionAttributeNames: { "#i": "item" },
        ExpressionAttributeValues: { ":p": `${PRESENTER_PREFIX}${email}`, ":h": HANDOFF_PREFIX, ":now": now },
        ConsistentRead: true,
      },
    });
    return items.map((i) => ({
      sessionId: String(i.handOffSession),
      handOff: String(i.handOff),
      title: String(i.title ?? ""),
      ...(typeof i.from === "string" ? { from: i.from } : {}),
      validUntil: Number(i.validUntil),
    }));
  }

  /** Takes a claimed hand-off off its presenter's list. */
  async unlistHandOff(email: string, sessionId: string, codeHash: string): Promise<void> {
    await this.dynamo.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { sessionId: `${PRESENTER_PREFIX}${email}`, item: `${HANDOFF_PREFIX}${sessionId}#${codeHash}` },
      }),
    );
  }

  /**
   * Uses a hand-off once: marks it claimed by `claimedBy` only if it exists, is unclaimed and
   * still valid, in one conditional write, so of two claims with the same code one wins. The
   * condition checks `validUntil` itself: TTL deletes expired items only eventually
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
   */
  async claimHandOff(
    sessionId: string,
    codeHash: string,
    claimant: { readonly ownerId: string; readonly email?: string },
    now: number,
    namedOnly = false,
  ): Promise<HandOffClaim> {
    // By listed id (not the link's code), only a hand-off naming the claimant may be claimed.
    const named = namedOnly ? "forPresenter = :email" : "(attribute_not_exists(forPresenter) OR forPresenter = :email)";
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item: `${HANDOFF_PREFIX}${codeHash}` },
          UpdateExpression: "SET claimedBy = :by, claimedAt = :now",
          ConditionExpression: `attribute_exists(validUntil) AND attribute_not_exists(claimedAt) AND validUntil > :now AND ${named}`,
          // An empty e-mail matches no named presenter (owner-token consoles carry none).
          ExpressionAttributeValues: { ":by": claimant.ownerId, ":now": now, ":email": claimant.email ?? "" },
        }),
      );
      return "claimed";
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    // Refused: read why, so the presenter is told what to do.
    const out = await this.dynamo.send(
      new GetCommand({
        TableName: this.table,
        Key: { sessionId, item: `${HANDOFF_PREFIX}${codeHash}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return "unknown";
    if (out.Item.claimedAt !== undefined) return "used";
    if (Number(out.Item.validUntil) <= now) return "expired";
    return "for-another-presenter";
  }

  // ---- interpreter invites -------------------------------------------------------

  /** Stores an invite by its token's hash (the table never holds a usable token). */
  async putInvite(sessionId: string, invite: StoredInvite, now: number): Promise<void> {
    await this.dynamo.send(
      new PutCommand({
        TableName: this.table,
        Item: { sessionId, item: `invite#${invite.tokenHash}`, ...invite, expiresAt: this.expiresAt(now) },
        ConditionExpression: "attribute_not_exists(#i)",
        ExpressionAttributeNames: { "#i": "item" },
      }),
    );
  }

  /**
   * Redeems an invite once: one conditional write marks it used, so two pages racing with the
   * same link get one grant. Returns the invite, or why it cannot be used.
   */
  async redeemInvite(
    sessionId: string,
    tokenHash: string,
    now: number,
  ): Promise<{ ok: true; invite: StoredInvite } | { ok: false; reason: "unknown" | "used" | "expired" }> {
    try {
      const out = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sessionId, item: `invite#${tokenHash}` },
          UpdateExpression: "SET usedAt = :now",
          ConditionExpression: "attribute_exists(#i) AND attribute_not_exists(usedAt) AND validUntil > :now",
          ExpressionAttributeNames: { "#i": "item" },
          ExpressionAttributeValues: { ":now": now },
          ReturnValues: "ALL_NEW",
        }),
      );
      const item = out.Attributes as StoredInvite;
      return { ok: true, invite: { tokenHash: item.tokenHash, language: item.language, validUntil: item.validUntil } };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const seen = await this.dynamo.send(
        new GetCommand({
          TableName: this.table,
          Key: { sessionId, item: `invite#${tokenHash}` },
          ConsistentRead: true,
        }),
      );
      if (!seen.Item) return { ok: false, reason: "unknown" };
      return { ok: false, reason: seen.Item.usedAt !== undefined ? "used" : "expired" };
    }
  }

  // ---- partials --------------------------------------------------------------------

  // ---- console connections -------------------------------------------------------

  /**
   * Remembers a console connection of the session. The console's messages (progress, counts,
   * grants) go to its connections, found with one GetItem of this item rather than a read of
   * every connection of the session (listeners included), whatever the audience.
   */
  async addConsoleConnection(sessionId: string, connectionId: string, connectedAt: number, now: number): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, item: CONSOLES_ITEM },
        UpdateExpression: "SET #c = :at, expiresAt = :e",
        ExpressionAttributeNames: { "#c": `${CONSOLE_PREFIX}${connectionId}` },
        ExpressionAttributeValues: { ":at": connectedAt, ":e": this.expiresAt(now) },
      }),
    );
  }

  async removeConsoleConnection(sessionId: string, connectionId: string): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, item: CONSOLES_ITEM },
        UpdateExpression: "REMOVE #c",
        ExpressionAttributeNames: { "#c": `${CONSOLE_PREFIX}${connectionId}` },
      }),
    );
  }

  /** The session's console connections with when each connected. */
  async consoleConnections(sessionId: string): Promise<{ connectionId: string; connectedAt: number }[]> {
    const out = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: { sessionId, item: CONSOLES_ITEM }, ConsistentRead: true }),
    );
    return Object.entries(out.Item ?? {})
      .filter(([k]) => k.startsWith(CONSOLE_PREFIX))
      .map(([k, v]) => ({ connectionId: k.slice(CONSOLE_PREFIX.length), connectedAt: Number(v) }));
  }

  /**
   * Counts one partial of the session in the current second and says whether it is within
   * `perSecond`. One UpdateItem on a per-second item (it expires a minute later): the limit holds
   * whichever container gets each partial, which in-memory state could not promise.
   */
  async admitPartial(sessionId: string, perSecond: number, now: number): Promise<boolean> {
    const second = Math.floor(now / 1000);
    const out = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { sessionId, item: `partials#${second}` },
        UpdateExpression: "ADD hits :one SET expiresAt = :e",
        ExpressionAttributeValues: { ":one": 1, ":e": second + 60 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.hits ?? 1) <= perSecond;
  }
}

const COUNTS_ITEM = "listener-counts";
const TIMELINE_PREFIX = "listeners#";
const SAMPLE_PREFIX = "s#";
const TIMELINE_BUCKET_MS = 10_000;
const TIMELINE_TTL_SECONDS = 30 * 86_400;
/** The timeline item a sample taken at `now` goes into (zero-padded, so the items sort by time). */
const timelineItem = (now: number) =>
  `${TIMELINE_PREFIX}${String(Math.floor(now / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS).padStart(15, "0")}`;

/** The session's listener counts right after one change (the report's timeline). */
export interface ListenerTimelineSample {
  /** Epoch ms of the change. */
  readonly at: number;
  /** The counts version the change took: later changes have higher ones. */
  readonly version: number;
  readonly total: number;
  readonly byLanguage: Readonly<Record<string, number>>;
}
/** `handoff#<sha256 of the code>`: a one-time hand-off of the session to another console. */
const HANDOFF_PREFIX = "handoff#";
/** `presenter#<e-mail>`: a partition per named presenter, listing the hand-offs waiting for them. */
const PRESENTER_PREFIX = "presenter#";
/** A used or expired hand-off stays a day (TTL), so a late claim is told it was used, not that it never existed. */
const HANDOFF_TTL_GRACE_SECONDS = 86_400;
/** The session's open console connections, one attribute each: `console#<connectionId>` = connectedAt. */
const CONSOLES_ITEM = "consoles";
const CONSOLE_PREFIX = "console#";
const VIEWERS_ITEM = "listener-viewers";
const VIEWER_PREFIX = "v#";
/** Attributes of the counters item that are not counters. */
const NOT_COUNTERS = new Set(["sessionId", "item", "version", "expiresAt"]);

/** What the hand-off's owner shows the named presenter in their list. */
export interface HandOffListing {
  readonly title: string;
  /** The owner's e-mail, when they signed in with one. */
  readonly from?: string;
}

/** A hand-off on a presenter's list: the session, the hand-off's code hash, and until when it is valid. */
export interface ListedHandOff {
  readonly sessionId: string;
  readonly handOff: string;
  readonly title: string;
  readonly from?: string;
  readonly validUntil: number;
}

/** What a hand-off claim found: it claimed it, or why not. */
export type HandOffClaim = "claimed" | "unknown" | "used" | "expired" | "for-another-presenter";

/** The session's stored counts as one read found them. */
export interface StoredCounts {
  readonly version: number;
  /** Counter attributes (`total`, `captionsOnly`, `lang#…`, `channel#…`) as stored. */
  readonly counters: Readonly<Record<string, unknown>>;
  readonly viewersRev: number;
  readonly byViewer: Readonly<Record<string, string>>;
}
