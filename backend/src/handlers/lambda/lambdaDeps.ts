import { withEmbeddedSubstitutes } from "../../aws/embeddedSubstitutes.js";
import { loadLambdaRuntimeConfig } from "../../aws/runtimeConfig.js";
import { type BackendDeps, createBackendDeps } from "../shared/backendDeps.js";

let deps: Promise<BackendDeps> | undefined;

/**
 * One set of dependencies per Lambda container, built on first use from the environment
 * and the secrets the stack lets this function read (Secrets Manager, read once). A failed
 * read is not kept: the next invocation tries again.
 */
export function lambdaDeps(): Promise<BackendDeps> {
  deps ??= loadLambdaRuntimeConfig()
    .then((config) => createBackendDeps(withEmbeddedSubstitutes(config)))
    .catch((err: unknown) => {
      deps = undefined;
      throw err;
    });
  return deps;
}
