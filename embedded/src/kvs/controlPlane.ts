import { type ChannelStore, newChannelVersion, type SignalingChannel } from "./channelStore.js";
import { KvsError } from "./kvsErrors.js";

/** Where the emulator's data plane answers, as GetSignalingChannelEndpoint hands them out. */
export interface SignalingEndpoints {
  readonly wssMaster: string;
  readonly wssViewer: string;
  readonly https: string;
}

export interface ControlPlaneOptions {
  readonly store: ChannelStore;
  readonly region: string;
  readonly accountId: string;
  readonly endpoints: SignalingEndpoints;
  readonly maxChannels: number;
  readonly now?: () => number;
  /** Told when a channel is deleted, so its live connections can be closed. */
  readonly onChannelDeleted?: (arn: string) => void;
}

type Input = Record<string, unknown>;

const NAME_RE = /^[a-zA-Z0-9_.-]{1,256}$/;
export const CHANNEL_ARN_RE = /^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+\/[a-zA-Z0-9_.-]+\/[0-9]+$/;
const VERSION_RE = /^[a-zA-Z0-9]{1,64}$/;
const DEFAULT_MESSAGE_TTL_SECONDS = 60;
const MAX_TAGS = 50;

function invalid(message: string): KvsError {
  return new KvsError("InvalidArgumentException", message);
}

function optionalString(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(`${key} must be a string.`);
  return v;
}

function requiredString(input: Input, key: string): string {
  const v = optionalString(input, key);
  if (v === undefined) throw invalid(`${key} is required.`);
  return v;
}

function optionalObject(input: Input, key: string): Input | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(`${key} must be an object.`);
  return v as Input;
}

function channelArn(input: Input, key = "ChannelARN"): string {
  const arn = requiredString(input, key);
  if (arn.length > 1024 || !CHANNEL_ARN_RE.test(arn)) throw invalid(`${key} is not a valid signaling channel ARN.`);
  return arn;
}

function messageTtl(config: Input | undefined): number | undefined {
  const ttl = config?.MessageTtlSeconds;
  if (ttl === undefined || ttl === null) return undefined;
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 5 || ttl > 120) {
    throw invalid("MessageTtlSeconds must be a whole number from 5 to 120.");
  }
  return ttl;
}

function tagList(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw invalid("Tags must be a list of {Key, Value}.");
  const tags: Record<string, string> = {};
  for (const t of value as unknown[]) {
    const { Key, Value } = (t ?? {}) as Input;
    if (typeof Key !== "string" || Key.length < 1 || Key.length > 128)
      throw invalid("Tag keys are 1 to 128 characters.");
    if (typeof Value !== "string" || Value.length > 256) throw invalid("Tag values are 0 to 256 characters.");
    tags[Key] = Value;
  }
  return tags;
}

/** A channel as the control plane shows it (`ChannelInfo`). */
export function channelInfo(c: SignalingChannel) {
  return {
    ChannelName: c.name,
    ChannelARN: c.arn,
    ChannelType: c.type,
    ChannelStatus: "ACTIVE",
    CreationTime: c.creationTimeMs / 1000,
    SingleMasterConfiguration: { MessageTtlSeconds: c.messageTtlSeconds },
    Version: c.version,
  };
}

/**
 * The KVS signaling-channel control plane (rest-json operations of `kinesisvideo`),
 * independent of HTTP: each operation takes the parsed JSON body and returns the response
 * body, or throws a `KvsError` carrying AWS's error type.
 */
export class KvsControlPlane {
  private readonly now: () => number;

  constructor(private readonly options: ControlPlaneOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Operation names as they appear in the request path (`/createSignalingChannel`). */
  readonly operations: Readonly<Record<string, (input: Input) => unknown>> = {
    createSignalingChannel: (i) => this.create(i),
    describeSignalingChannel: (i) => this.describe(i),
    listSignalingChannels: (i) => this.list(i),
    updateSignalingChannel: (i) => this.update(i),
    deleteSignalingChannel: (i) => this.delete(i),
    getSignalingChannelEndpoint: (i) => this.endpoint(i),
    ListTagsForResource: (i) => this.listTags(i),
    TagResource: (i) => this.tag(i),
    UntagResource: (i) => this.untag(i),
  };

  /** The channel with this ARN, or ResourceNotFoundException. */
  channel(arn: string): SignalingChannel {
    const c = this.options.store.getByArn(arn);
    if (!c) throw new KvsError("ResourceNotFoundException", "The requested channel is not found or not active.");
    return c;
  }

  private create(input: Input) {
    const name = requiredString(input, "ChannelName");
    if (!NAME_RE.test(name)) throw invalid("ChannelName must be 1 to 256 characters of [a-zA-Z0-9_.-].");
    const type = optionalString(input, "ChannelType") ?? "SINGLE_MASTER";
    if (type === "FULL_MESH") throw invalid("ChannelType FULL_MESH is not supported; use SINGLE_MASTER.");
    if (type !== "SINGLE_MASTER") throw invalid("ChannelType must be SINGLE_MASTER.");
    const ttl = messageTtl(optionalObject(input, "SingleMasterConfiguration")) ?? DEFAULT_MESSAGE_TTL_SECONDS;
    const tags = tagList(input.Tags);
    if (Object.keys(tags).length > MAX_TAGS) {
      throw new KvsError("TagsPerResourceExceededLimitException", `A channel has at most ${MAX_TAGS} tags.`);
    }
    const { store } = this.options;
    if (store.getByName(name)) throw new KvsError("ResourceInUseException", `The channel ${name} already exists.`);
    if (store.size >= this.options.maxChannels) {
      throw new KvsError(
        "AccountChannelLimitExceededException",
        `This account already has ${this.options.maxChannels} signaling channels: delete some first.`,
      );
    }
    const creationTimeMs = this.now();
    const arn = `arn:aws:kinesisvideo:${this.options.region}:${this.options.accountId}:channel/${name}/${creationTimeMs}`;
    store.put({ name, arn, type, creationTimeMs, version: newChannelVersion(), messageTtlSeconds: ttl, tags });
    return { ChannelARN: arn };
  }

  private find(input: Input): SignalingChannel {
    const name = optionalString(input, "ChannelName");
    const arn = optionalString(input, "ChannelARN");
    if (name === undefined && arn === undefined) throw invalid("Either ChannelName or ChannelARN is required.");
    const c = arn !== undefined ? this.options.store.getByArn(arn) : this.options.store.getByName(name ?? "");
    if (!c || (name !== undefined && c.name !== name)) {
      throw new KvsError("ResourceNotFoundException", "The requested channel is not found or not active.");
    }
    return c;
  }

  private describe(input: Input) {
    return { ChannelInfo: channelInfo(this.find(input)) };
  }

  private list(input: Input) {
    const max = input.MaxResults ?? 10_000;
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 10_000) {
      throw invalid("MaxResults must be a whole number from 1 to 10000.");
    }
    const condition = optionalObject(input, "ChannelNameCondition");
    let prefix = "";
    if (condition) {
      const op = optionalString(condition, "ComparisonOperator") ?? "BEGINS_WITH";
      if (op !== "BEGINS_WITH") throw invalid("ComparisonOperator must be BEGINS_WITH.");
      prefix = optionalString(condition, "ComparisonValue") ?? "";
    }
    const token = optionalString(input, "NextToken");
    let after = "";
    if (token !== undefined) {
      after = Buffer.from(token, "base64url").toString("utf8");
      if (!token || !NAME_RE.test(after)) throw invalid("NextToken is not valid.");
    }
    const matching = this.options.store.list().filter((c) => c.name.startsWith(prefix) && c.name > after);
    const page = matching.slice(0, max);
    const last = page.at(-1);
    return {
      ChannelInfoList: page.map(channelInfo),
      ...(matching.length > page.length && last ? { NextToken: Buffer.from(last.name).toString("base64url") } : {}),
    };
  }

  private checkVersion(c: SignalingChannel, version: string | undefined): void {
    if (version === undefined) return;
    if (!VERSION_RE.test(version)) throw invalid("CurrentVersion is not a valid version.");
    if (version !== c.version) {
      throw new KvsError(
        "VersionMismatchException",
        "The channel version you specified is not the latest: describe the channel and retry with its Version.",
      );
    }
  }

  private update(input: Input) {
    const c = this.channel(channelArn(input));
    this.checkVersion(c, requiredString(input, "CurrentVersion"));
    const ttl = messageTtl(optionalObject(input, "SingleMasterConfiguration")) ?? c.messageTtlSeconds;
    this.options.store.put({ ...c, messageTtlSeconds: ttl, version: newChannelVersion() });
    return {};
  }

  private delete(input: Input) {
    const c = this.channel(channelArn(input));
    this.checkVersion(c, optionalString(input, "CurrentVersion"));
    this.options.store.delete(c.arn);
    this.options.onChannelDeleted?.(c.arn);
    return {};
  }

  private endpoint(input: Input) {
    this.channel(channelArn(input));
    const config = optionalObject(input, "SingleMasterChannelEndpointConfiguration") ?? {};
    const role = optionalString(config, "Role") ?? "MASTER";
    if (role !== "MASTER" && role !== "VIEWER") throw invalid("Role must be MASTER or VIEWER.");
    const protocols = config.Protocols ?? ["WSS", "HTTPS"];
    if (!Array.isArray(protocols) || protocols.length < 1 || protocols.length > 5) {
      throw invalid("Protocols must list 1 to 5 of WSS, HTTPS, WEBRTC.");
    }
    const list: { Protocol: string; ResourceEndpoint: string }[] = [];
    for (const p of new Set(protocols as unknown[])) {
      if (p === "WSS") {
        const ws = role === "MASTER" ? this.options.endpoints.wssMaster : this.options.endpoints.wssViewer;
        list.push({ Protocol: "WSS", ResourceEndpoint: ws });
      } else if (p === "HTTPS") {
        list.push({ Protocol: "HTTPS", ResourceEndpoint: this.options.endpoints.https });
      } else if (p === "WEBRTC") {
        throw invalid("The WEBRTC protocol (media ingestion) is not available on the embedded server.");
      } else {
        throw invalid("Protocols must list 1 to 5 of WSS, HTTPS, WEBRTC.");
      }
    }
    return { ResourceEndpointList: list };
  }

  private listTags(input: Input) {
    const c = this.channel(channelArn(input, "ResourceARN"));
    const tags = { ...c.tags };
    return { Tags: tags };
  }

  private tag(input: Input) {
    const c = this.channel(channelArn(input, "ResourceARN"));
    const tags = { ...c.tags, ...tagList(input.Tags) };
    if (Object.keys(tags).length > MAX_TAGS) {
      throw new KvsError("TagsPerResourceExceededLimitException", `A channel has at most ${MAX_TAGS} tags.`);
    }
    this.options.store.put({ ...c, tags });
    return {};
  }

  private untag(input: Input) {
    const c = this.channel(channelArn(input, "ResourceARN"));
    const keys = input.TagKeyList;
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string"))
      throw invalid("TagKeyList must list tag keys.");
    const tags = { ...c.tags };
    for (const k of keys as string[]) delete tags[k];
    this.options.store.put({ ...c, tags });
    return {};
  }
}
