import { ConfigDocument } from "@babelcast/protocol";
import { expect, test } from "@playwright/test";
import { type ServedEmbedded, serveEmbedded } from "../support/embeddedServer.js";

let server: ServedEmbedded;
test.beforeAll(async () => {
  server = await serveEmbedded();
});
test.afterAll(async () => {
  await server.stop();
});

test("a page on another origin reads the config document", async ({ page }) => {
  // localhost and 127.0.0.1 are different origins: the fetch below is a CORS request.
  await page.goto(`${server.ready.url.replace("//127.0.0.1:", "//localhost:")}/healthz`);
  const fromPage = await page.evaluate(async (url) => (await fetch(url)).json(), `${server.ready.url}/config.json`);
  const config = ConfigDocument.parse(fromPage);
  expect(config.mode).toBe("embedded");
  expect(config.apiUrl.startsWith(server.ready.url)).toBe(true);
});
