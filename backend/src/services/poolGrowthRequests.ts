import { z } from "zod";

/**
 * What the join asks of the pool-growth function and what it answers: the public listener
 * function may not create KVS channels or reach WebSocket connections (least privilege), so it
 * has this one function grow the pool for it. One schema each, read by both sides.
 */

export const PoolGrowthRequest = z.strictObject({
  sessionId: z.string().min(1),
  /** How many channels the caller saw: a channel is added only while the pool still has that many. */
  expectedChannelCount: z.number().int().min(0),
  /** The relay to master the new channel (the planner chose it); absent: the console. */
  relayId: z
    .string()
    .regex(/^relay-[a-zA-Z0-9_.-]{1,64}$/)
    .optional(),
});
export type PoolGrowthRequest = z.infer<typeof PoolGrowthRequest>;

const ChannelRecordSchema = z.object({
  channelArn: z.string().min(1),
  channelName: z.string().min(1),
  index: z.number().int().min(0),
  createdAt: z.number(),
  host: z.enum(["console", "relay"]).optional(),
  relayId: z.string().optional(),
});

export const PoolGrowthResult = z.discriminatedUnion("status", [
  /** The session's channels as stored after the growth (one more, or the one another join added). */
  z.object({ status: z.literal("open"), channels: z.array(ChannelRecordSchema) }),
  z.object({ status: z.literal("ended") }),
]);
export type PoolGrowthResult = z.infer<typeof PoolGrowthResult>;
