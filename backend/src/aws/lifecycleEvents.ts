import { appendFile } from "node:fs/promises";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { type SessionLifecycleEvent, toEventBridgeEntry, toLogLine } from "@babelcast/protocol";

/** Where session lifecycle events (created, live, paused, ended) go: the stack's bus, or a log file. */
export interface LifecycleEvents {
  publish(event: SessionLifecycleEvent): Promise<void>;
}

export type LifecycleEventsConfig =
  | { readonly kind: "eventbridge"; readonly busName: string }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "none" };

export function createLifecycleEvents(config: LifecycleEventsConfig, region: string): LifecycleEvents {
  switch (config.kind) {
    case "eventbridge": {
      const client = new EventBridgeClient({ region });
      return {
        async publish(event) {
          const out = await client.send(new PutEventsCommand({ Entries: [toEventBridgeEntry(event, config.busName)] }));
          if (out.FailedEntryCount) throw new Error(`EventBridge refused the event: ${out.Entries?.[0]?.ErrorMessage}`);
        },
      };
    }
    case "file":
      return { publish: (event) => appendFile(config.path, toLogLine(event)) };
    case "none":
      return { publish: async () => undefined };
  }
}
