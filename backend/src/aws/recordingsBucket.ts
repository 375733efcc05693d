import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { RecordingContentType } from "@babelcast/protocol";
import type { BackendRuntimeConfig } from "./runtimeConfig.js";

/**
 * The recordings bucket, as the owner's HTTP function sees it: presigned PUT URLs for the
 * console's uploads, presigned GET URLs for downloads, and a prefix listing. The URLs carry
 * the function role's permissions (`recordingUploads` in the permission table).
 */

/** One object of the listing. */
export interface StoredRecording {
  readonly key: string;
  readonly bytes: number;
  readonly lastModified: number;
}

export interface RecordingsBucket {
  readonly bucket: string;
  readonly expireDays: number;
  /** A PUT URL binding the key, the content type and the exact length. */
  presignPut(key: string, contentType: RecordingContentType, bytes: number, expiresInSeconds: number): Promise<string>;
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  /** Every object under `prefix` (follows continuation tokens). */
  list(prefix: string): Promise<StoredRecording[]>;
  destroy(): void;
}

export function s3RecordingsBucket(config: BackendRuntimeConfig): RecordingsBucket | undefined {
  const recordings = config.recordings;
  if (!recordings) return undefined;
  const client = new S3Client({
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // An endpoint override (the embedded S3) serves buckets under its path, not as subdomains.
    ...(config.endpoints.s3 ? { endpoint: config.endpoints.s3, forcePathStyle: true } : {}),
    // Presigned PUTs carry no checksum the browser could not send: S3 computes its own
    // integrity check; the SDK's default would sign a checksum of an empty body
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    bucket: recordings.bucket,
    expireDays: recordings.expireDays,
    presignPut(key, contentType, bytes, expiresIn) {
      const command = new PutObjectCommand({
        Bucket: recordings.bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: bytes,
      });
      // The presigner leaves Content-Type unsigned unless asked; signing it (and Content-Length,
      // which it signs as a header) makes S3 refuse a PUT of another type or size
      // (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: every
      // signed header must be sent with the signed value).
      return getSignedUrl(client, command, {
        expiresIn,
        signableHeaders: new Set(["content-type", "content-length"]),
      });
    },
    presignGet(key, expiresIn) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: recordings.bucket, Key: key }), { expiresIn });
    },
    async list(prefix) {
      const out: StoredRecording[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: recordings.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          out.push({ key: o.Key, bytes: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    destroy() {
      client.destroy();
    },
  };
}
