import { LIFECYCLE_EVENT_SOURCE } from "@babelcast/protocol";
import { Duration } from "aws-cdk-lib";
import { EventBus } from "aws-cdk-lib/aws-events";
import { Construct } from "constructs";

/**
 * The bus session lifecycle events (created, live, paused, ended) go to. Integrations add
 * their own rules on `source: babelcast.sessions`; an archive keeps 30 days for replay.
 */
export class LifecycleEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, "Bus", { description: "Babelcast session lifecycle events" });
    this.bus.archive("Archive", {
      description: "Session lifecycle events, kept for replay",
      eventPattern: { source: [LIFECYCLE_EVENT_SOURCE] },
      retention: Duration.days(30),
    });
  }
}
