import { credentialsService } from "./auth/temporaryCredentials.js";
import { createAwsServiceCors } from "./awsServiceCors.js";
import { createUserPoolService } from "./cognito/userPoolService.js";
import { createConsolePageService } from "./consolePage.js";
import { createDynamoService } from "./dynamodb/dynamoService.js";
import type { EmbeddedServiceFactory } from "./embeddedContext.js";
import { createGatewayService } from "./gateway/gatewayService.js";
import { createKvsService } from "./kvs/kvsService.js";
import { createListenerPageService } from "./listenerPage.js";
import { createPollyService } from "./polly/pollyService.js";
import { createS3Service } from "./s3/s3Service.js";
import { createTranscribeService } from "./transcribe/transcribeService.js";
import { createTranslateService } from "./translate/translateService.js";

/** The gateway (API Gateway, Lambda, the caption Event API); tests swap it for one with fixture functions. */
export const gatewayService = createGatewayService();

/**
 * The parts of the embedded server, in the order requests are offered to them.
 * Each later capability adds its factory here.
 */
export const EMBEDDED_SERVICES: readonly EmbeddedServiceFactory[] = [
  // First: answers CORS preflights to the AWS endpoints before any SigV4 check, marks the rest.
  createAwsServiceCors,
  createKvsService,
  credentialsService,
  createUserPoolService,
  createTranscribeService,
  createTranslateService,
  createPollyService,
  createListenerPageService,
  createConsolePageService,
  createDynamoService,
  createS3Service,
  gatewayService,
];
