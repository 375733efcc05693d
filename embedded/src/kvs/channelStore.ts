import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const CHANNELS_FILE = "kvs-channels.json";

const StoredChannel = z.object({
  name: z.string(),
  arn: z.string(),
  type: z.literal("SINGLE_MASTER"),
  creationTimeMs: z.number(),
  version: z.string(),
  messageTtlSeconds: z.number().int(),
  tags: z.record(z.string(), z.string()),
});
export type SignalingChannel = z.infer<typeof StoredChannel>;
const StoredChannels = z.object({ version: z.literal(1), channels: z.array(StoredChannel) });

/** A channel version as AWS shows it: an opaque token that changes on every update. */
export function newChannelVersion(): string {
  return randomBytes(10).toString("hex");
}

/**
 * The signaling channels, kept in memory and written through to `D/kvs-channels.json`
 * (temp file + rename, so a crash never leaves a half-written file).
 */
export class ChannelStore {
  private readonly byName = new Map<string, SignalingChannel>();
  private readonly byArn = new Map<string, SignalingChannel>();
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, CHANNELS_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      text = undefined;
    }
    if (text === undefined) return;
    let parsed: z.infer<typeof StoredChannels>;
    try {
      parsed = StoredChannels.parse(JSON.parse(text));
    } catch (err) {
      throw new Error(`${this.file} is not a valid channel list (${(err as Error).message}): fix or delete it`);
    }
    for (const c of parsed.channels) this.index(c);
  }

  private index(c: SignalingChannel): void {
    this.byName.set(c.name, c);
    this.byArn.set(c.arn, c);
  }

  private persist(): void {
    const text = JSON.stringify({ version: 1, channels: [...this.byName.values()] }, null, 1);
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  get size(): number {
    return this.byName.size;
  }
  getByName(name: string): SignalingChannel | undefined {
    return this.byName.get(name);
  }
  getByArn(arn: string): SignalingChannel | undefined {
    return this.byArn.get(arn);
  }
  list(): SignalingChannel[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  put(channel: SignalingChannel): void {
    const previous = this.byArn.get(channel.arn);
    if (previous && previous.name !== channel.name) this.byName.delete(previous.name);
    this.index(channel);
    this.persist();
  }
  delete(arn: string): void {
    const c = this.byArn.get(arn);
    if (!c) return;
    this.byArn.delete(arn);
    this.byName.delete(c.name);
    this.persist();
  }
}
