import { z } from "zod";

/** Name of the TURN server's section in `D/embedded.json`. */
export const TURN_SETTINGS_SECTION = "turn";

/**
 * The TURN server behind GetIceServerConfig: coturn's `turnserver`, started on first use.
 * `enabled: false` answers no TURN entry (KVS always answers some; only for machines
 * where coturn cannot be installed).
 */
export const TurnSettings = z.object({
  enabled: z.boolean().default(true),
  command: z.string().min(1).default("turnserver"),
});
export type TurnSettings = z.infer<typeof TurnSettings>;
