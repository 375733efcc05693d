import { expect, test } from "@playwright/test";
import { ownerTokenIdentity, runSmoke } from "../smoke/postDeploySmoke.js";
import { type ServedEmbedded, serveEmbedded } from "../support/embeddedServer.js";

// The admin's post-deploy smoke check (`npm run smoke`), run here against the embedded server:
// the same code, steps and checks as against a cloud stack.
let server: ServedEmbedded;
test.beforeAll(async () => {
  server = await serveEmbedded();
});
test.afterAll(async () => {
  await server.stop();
});

test("the post-deploy smoke check passes against the embedded server: captions once each and in order in two languages, translations reach the console, speech synthesizes", async () => {
  const steps: string[] = [];
  const report = await runSmoke({
    configUrl: `${server.ready.url}/config.json`,
    // The console URL carries the owner token in its fragment, as the server prints it.
    signIn: async (config) =>
      ownerTokenIdentity(
        config,
        new URLSearchParams(new URL(server.ready.consoleUrl).hash.slice(1)).get("token") ?? "",
      ),
    log: (line) => steps.push(line),
  });
  console.log(steps.join("\n"));
  expect(report.captions).toEqual({ es: [0, 1, 2, 3, 4], fr: [0, 1, 2, 3, 4] });
  expect(report.steps.map((s) => s.name)).toContain("the session reads as ended");
});
