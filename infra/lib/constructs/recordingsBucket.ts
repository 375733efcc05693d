import { ELECTRON_CONSOLE_ORIGIN, RECORDINGS_CORS, RECORDINGS_PREFIX } from "@babelcast/protocol";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, type IBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

export interface RecordingsBucketProps {
  /** Days after which the lifecycle rule deletes a recording. */
  readonly expireDays: number;
  /** The listener site's origin (`https://<distribution>`), beside the desktop console's. */
  readonly siteOrigin: string;
  /** Where S3 writes the bucket's server access logs. */
  readonly accessLogs: IBucket;
}

/**
 * The recordings bucket: private (public access blocked, TLS only, S3-managed encryption),
 * written only through URLs the owner's function presigns, with a lifecycle rule that deletes
 * `recordings/` after `expireDays` and a CORS rule for the console's PUT and GET
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html).
 */
export class RecordingsBucket extends Construct {
  readonly bucket: Bucket;
  readonly expireDays: number;

  constructor(scope: Construct, id: string, props: RecordingsBucketProps) {
    super(scope, id);
    if (!Number.isInteger(props.expireDays) || props.expireDays < 1) {
      throw new Error(`recordingExpireDays must be a whole number of days, 1 or more (got ${props.expireDays})`);
    }
    this.expireDays = props.expireDays;
    this.bucket = new Bucket(this, "Bucket", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: "recordings-bucket/",
      lifecycleRules: [
        {
          id: "ExpireRecordings",
          prefix: RECORDINGS_PREFIX,
          expiration: Duration.days(props.expireDays),
          // Recordings are single PUTs; this only clears anything left half-done by other tools.
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      cors: [
        {
          allowedOrigins: [ELECTRON_CONSOLE_ORIGIN, props.siteOrigin],
          allowedMethods: RECORDINGS_CORS.allowMethods.map((m) => HttpMethods[m]),
          allowedHeaders: [...RECORDINGS_CORS.allowHeaders],
          exposedHeaders: [...RECORDINGS_CORS.exposeHeaders],
          maxAge: RECORDINGS_CORS.maxAgeSeconds,
        },
      ],
      // Presenters' recordings outlive a stack update or deletion; the lifecycle rule still empties the bucket.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
