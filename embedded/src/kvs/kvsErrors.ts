import { AwsServiceError } from "../http/awsResponses.js";

/** AWS's error types for KVS, with the HTTP status the SDKs' models expect for each. */
export const KVS_ERROR_STATUS = {
  InvalidArgumentException: 400,
  ClientLimitExceededException: 400,
  AccountChannelLimitExceededException: 400,
  ResourceInUseException: 400,
  VersionMismatchException: 400,
  TagsPerResourceExceededLimitException: 400,
  SerializationException: 400,
  AccessDeniedException: 401,
  NotAuthorizedException: 401,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  InternalFailure: 500,
} as const;
export type KvsErrorType = keyof typeof KVS_ERROR_STATUS;

/** A KVS error, its status taken from the table above. */
export class KvsError extends AwsServiceError {
  constructor(
    override readonly type: KvsErrorType,
    message: string,
  ) {
    super(type, KVS_ERROR_STATUS[type], message);
  }
}
