import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * The embedded S3's objects on disk: one folder per bucket under `D/s3/`, each object a file
 * named by its percent-encoded key (no key can reach outside the folder) beside a JSON file
 * with its metadata. Writes go to a temporary file renamed into place, so a reader never sees
 * half an object and a failed upload leaves the old one.
 */

export interface ObjectMeta {
  readonly key: string;
  readonly contentType: string;
  readonly bytes: number;
  /** Epoch ms. */
  readonly lastModified: number;
  /** Quoted hex MD5, as S3 gives a single-PUT object's ETag. */
  readonly etag: string;
}

export class BucketFolder {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.object`);
  }

  private metaFile(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.meta.json`);
  }

  async ensure(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Streams `body` into the object; resolves with its metadata, or rejects (leaving nothing) when the stream fails or `check` throws. */
  async put(
    key: string,
    contentType: string,
    body: Readable,
    now: number,
    check: (received: { bytes: number; sha256: string }) => void,
  ): Promise<ObjectMeta> {
    await this.ensure();
    const temp = join(this.dir, `.upload-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const md5 = createHash("md5");
    const sha256 = createHash("sha256");
    let bytes = 0;
    body.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      md5.update(chunk);
      sha256.update(chunk);
    });
    try {
      await pipeline(body, createWriteStream(temp));
      check({ bytes, sha256: sha256.digest("hex") });
      const meta: ObjectMeta = { key, contentType, bytes, lastModified: now, etag: `"${md5.digest("hex")}"` };
      await writeFile(this.metaFile(key), JSON.stringify(meta));
      await rename(temp, this.file(key));
      return meta;
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    try {
      const meta = JSON.parse(await readFile(this.metaFile(key), "utf8")) as ObjectMeta;
      await stat(this.file(key));
      return meta;
    } catch {
      return undefined;
    }
  }

  read(key: string): ReadStream {
    return createReadStream(this.file(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
    await rm(this.metaFile(key), { force: true });
  }

  /** Every object's metadata, in key order (S3 lists keys in UTF-8 binary order). */
  async list(): Promise<ObjectMeta[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const metas: ObjectMeta[] = [];
    for (const name of names) {
      if (!name.endsWith(".meta.json")) continue;
      const meta = await this.head(decodeURIComponent(name.slice(0, -".meta.json".length)));
      if (meta) metas.push(meta);
    }
    return metas.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }
}
