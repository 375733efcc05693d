import { z } from "zod";
import { EventApiEndpoints } from "./captionChannels.js";

/** Where every AWS-compatible service of the embedded server (or AWS itself) answers. */
export const ServiceEndpoints = z.object({
  kinesisvideo: z.url(),
  transcribe: z.url(),
  translate: z.url(),
  polly: z.url(),
  dynamodb: z.url(),
  apigatewaymanagementapi: z.url(),
  /** Embedded mode: where the owner's console trades its token for temporary credentials. */
  credentials: z.url().optional(),
  /** Embedded mode with its own user pool: the Cognito user pools endpoint (sign-in). */
  cognitoIdp: z.url().optional(),
  /** Embedded mode with its own user pool: the Cognito identity pools endpoint (console credentials). */
  cognitoIdentity: z.url().optional(),
});
export type ServiceEndpoints = z.infer<typeof ServiceEndpoints>;

/** How a presenter proves ownership: a local console token, or a Cognito sign-in in the cloud. */
export const AuthConfig = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("owner-token") }),
  z.object({
    kind: z.literal("cognito"),
    userPoolId: z.string().min(1),
    userPoolClientId: z.string().min(1),
    identityPoolId: z.string().min(1),
  }),
]);
export type AuthConfig = z.infer<typeof AuthConfig>;

const webSocketUrl = z.string().regex(/^wss?:\/\/[^\s]+$/, "must be a ws:// or wss:// URL");

/**
 * The config document served at `GET /config.json`. The console and the listener page
 * read only this to find everything else.
 */
export const ConfigDocument = z.object({
  version: z.literal(1),
  mode: z.enum(["embedded", "aws"]),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1"),
  /** Base URL of the HTTP API (sessions, join, transcript). */
  apiUrl: z.url(),
  /** WebSocket API URL: the console's control channel, listeners' presence, language and caption replay. */
  webSocketUrl,
  /** The caption Event API (AppSync Events, or the embedded server's): live captions, partials and status per language. */
  events: EventApiEndpoints,
  /** Base URL of the listener page; a session's page is `${listenerUrl}/s/{sessionId}`. */
  listenerUrl: z.url(),
  auth: AuthConfig,
  /** Present in embedded mode (and hybrid setups): endpoint overrides for the AWS SDK clients. */
  endpoints: ServiceEndpoints.optional(),
});
export type ConfigDocument = z.infer<typeof ConfigDocument>;

/** The single line the embedded server prints to stdout once it accepts connections. */
export const ServeReadyLine = z.object({
  ready: z.literal(true),
  url: z.url(),
  consoleUrl: z.url(),
  listenerUrl: z.url(),
});
export type ServeReadyLine = z.infer<typeof ServeReadyLine>;
