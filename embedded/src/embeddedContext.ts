import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import type { ConfigDocument } from "@babelcast/protocol";
import type { EmbeddedCredentials } from "./dataDir.js";
import type { EmbeddedSettings } from "./embeddedSettings.js";

/** What every part of the embedded server is given when it starts. */
export interface EmbeddedContext {
  /** Base URL the server advertises (LAN address in `npm start`). */
  readonly url: string;
  /** Base URL on a loopback address, for the console (a secure context for the microphone). */
  readonly loopbackUrl: string;
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly credentials: EmbeddedCredentials;
  readonly ownerToken: string;
  readonly config: ConfigDocument;
  readonly settings: EmbeddedSettings;
  readonly log: Logger;
}

/**
 * One part of the embedded server (an emulator, the gateway, static pages). The server
 * offers each request and upgrade to the services in order; the first that takes it wins.
 */
export interface EmbeddedService {
  readonly name: string;
  /** Returns true when it took the request (and will answer it). */
  handleRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  /** Returns true when it took the WebSocket upgrade. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close?(): Promise<void>;
}

export type EmbeddedServiceFactory = (ctx: EmbeddedContext) => Promise<EmbeddedService> | EmbeddedService;
