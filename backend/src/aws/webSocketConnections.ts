import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import type { ServerMessage } from "@babelcast/protocol";
import type { AwsClients } from "./clients.js";

/**
 * Talking to WebSocket clients, only through the API Gateway Management API (the embedded
 * gateway offers a compatible endpoint), so fan-out code is the same in both modes.
 */
export interface WebSocketConnections {
  /**
   * Sends a message as JSON; false when the connection is gone. Text only: API Gateway
   * WebSocket APIs carry text frames, and speech never travels this way (the console
   * synthesizes it).
   */
  send(connectionId: string, message: ServerMessage): Promise<boolean>;
  disconnect(connectionId: string): Promise<void>;
  isOpen(connectionId: string): Promise<boolean>;
}

function isGone(err: unknown): boolean {
  return err instanceof GoneException || (err as Error)?.name === "GoneException";
}

export function managementApiConnections(clients: AwsClients, endpoint: string): WebSocketConnections {
  const client = clients.management(endpoint);
  return {
    async send(connectionId, message) {
      const data = JSON.stringify(message);
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        return true;
      } catch (err) {
        if (isGone(err)) return false;
        throw err;
      }
    },
    async disconnect(connectionId) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    },
    async isOpen(connectionId) {
      try {
        await client.send(new GetConnectionCommand({ ConnectionId: connectionId }));
        return true;
      } catch (err) {
        if (isGone(err)) return false;
        throw err;
      }
    },
  };
}
