import { createDynamoService } from "./dynamodb/dynamoService.js";
import type { EmbeddedServiceFactory } from "./embeddedContext.js";
import { createGatewayService } from "./gateway/gatewayService.js";
import { createKvsService } from "./kvs/kvsService.js";

/**
 * The parts of the embedded server, in the order requests are offered to them.
 * Each later capability adds its factory here.
 */
export const EMBEDDED_SERVICES: readonly EmbeddedServiceFactory[] = [
  createKvsService,
  createDynamoService,
  createGatewayService(),
];
