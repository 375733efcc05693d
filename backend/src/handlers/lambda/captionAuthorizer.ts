import {
  captionAuthorizerDeps,
  createCaptionAuthorizer,
  type EventApiAuthorizerEvent,
  type EventApiAuthorizerResult,
} from "../events/captionAuthorizer.js";
import { lambdaDeps } from "./lambdaDeps.js";

/** Lambda authorizer (AWS_LAMBDA) of the caption Event API: listeners' connects and subscribes. */
export async function handler(event: EventApiAuthorizerEvent): Promise<EventApiAuthorizerResult> {
  const deps = await lambdaDeps();
  return createCaptionAuthorizer(captionAuthorizerDeps(deps), deps.log)(event);
}
