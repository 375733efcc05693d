import { runtimeConfigFromEnv } from "../../aws/runtimeConfig.js";
import { type BackendDeps, createBackendDeps } from "../shared/backendDeps.js";

let deps: BackendDeps | undefined;

/** One set of dependencies per Lambda container, built from the environment on first use. */
export function lambdaDeps(): BackendDeps {
  deps ??= createBackendDeps(runtimeConfigFromEnv());
  return deps;
}
