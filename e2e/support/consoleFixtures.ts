import { ConfigDocument } from "@babelcast/protocol";
import type { LaunchOptions, PlaywrightWorkerArgs, PlaywrightWorkerOptions, WorkerInfo } from "@playwright/test";
import { ensureConsoleBuilt } from "./consoleBuild.js";
import { serveViewerPage, type ViewerPageServer } from "./consoleViewerPage.js";
import { type ServedEmbedded, serveEmbedded } from "./embeddedServer.js";

/**
 * A `launchOptions` fixture for `test.use`: the project's browser and base flags, plus
 * Chromium's fake microphone playing `wavPath` (looped).
 */
export function fakeMicrophone(wavPath: string) {
  return async (
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    {}: PlaywrightWorkerArgs & PlaywrightWorkerOptions,
    use: (options: LaunchOptions) => Promise<void>,
    workerInfo: WorkerInfo,
  ) => {
    const base = workerInfo.project.use.launchOptions ?? {};
    await use({
      ...base,
      args: [
        ...(base.args ?? []),
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${wavPath}`,
      ],
    });
  };
}

export interface ConsoleTestServers {
  readonly server: ServedEmbedded;
  readonly viewerPages: ViewerPageServer;
  readonly config: ConfigDocument;
  stop(): Promise<void>;
}

/** The embedded server (serving the built console), the test viewer page, and the config document. */
export async function startConsoleTestServers(options: { dataDir?: string } = {}): Promise<ConsoleTestServers> {
  ensureConsoleBuilt();
  const server = await serveEmbedded(options);
  const viewerPages = await serveViewerPage();
  const config = ConfigDocument.parse(await (await fetch(`${server.ready.url}/config.json`)).json());
  return {
    server,
    viewerPages,
    config,
    stop: async () => {
      await server.stop();
      await viewerPages.close();
    },
  };
}
