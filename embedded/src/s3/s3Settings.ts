import { z } from "zod";

/** Section of `D/embedded.json` for the recordings bucket (the embedded S3). */
export const RECORDINGS_SETTINGS_SECTION = "recordings";

/**
 * Bucket names: 3 to 63 characters of lowercase letters, digits, dots and hyphens, starting and
 * ending with a letter or digit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
export const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lowercase letters, digits, . and -)");

/**
 * The embedded home's recordings bucket, as the stack's: with `bucket` set, the owner's
 * function may presign uploads into it and its lifecycle rule deletes recordings after
 * `expireDays`. Without it, uploads are off (the console keeps recordings on disk).
 */
export const RecordingsSettings = z.strictObject({
  bucket: BucketName.optional(),
  /** Days a recording is kept (the lifecycle rule's expiration); the stack's default is 30. */
  expireDays: z.number().int().min(1).max(3650).default(30),
});
export type RecordingsSettings = z.infer<typeof RecordingsSettings>;
