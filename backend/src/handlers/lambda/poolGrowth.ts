import { PoolGrowthRequest, type PoolGrowthResult } from "../../services/poolGrowthRequests.js";
import { growPool } from "../shared/channelPoolOps.js";
import { lambdaDeps } from "./lambdaDeps.js";

/** Lambda entry of the pool-growth function, invoked synchronously by the join (never by API Gateway). */
export async function handler(event: unknown): Promise<PoolGrowthResult> {
  return growPool(await lambdaDeps(), PoolGrowthRequest.parse(event));
}
