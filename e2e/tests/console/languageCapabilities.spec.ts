import { expect, test } from "@playwright/test";
import { type ConsoleTestServers, startConsoleTestServers } from "../../support/consoleFixtures.js";

// Issue #20.7: the session form says up front what this home's engines can do per language.
// The embedded server's offline engines: English recognition, Apertium to es, fr, pt, ca, it.

let servers: ConsoleTestServers;

test.beforeAll(async () => {
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

test("the session form offers only languages the embedded engines serve, and says why not for the rest", async ({
  page,
}) => {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(servers.server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });

  // Only English is recognized offline: the source picker offers nothing else.
  const sources = page.getByTestId("source-language").locator("option");
  await expect(sources).toHaveCount(1, { timeout: 15_000 });
  await expect(sources.first()).toHaveAttribute("value", "en");
  await expect(page.getByTestId("source-note")).toContainText("embedded pocketsphinx recognizes en");

  // Spoken where Apertium reaches and eSpeak NG has a voice.
  for (const code of ["es", "fr", "pt", "ca", "it"]) {
    await expect(page.getByTestId(`capability-${code}`)).toHaveText("(speech)");
    await expect(page.getByTestId(`target-${code}`)).toBeEnabled();
  }
  // Not available, with the missing engine named, and not selectable.
  for (const [code, name] of [
    ["de", "German"],
    ["ja", "Japanese"],
  ] as const) {
    await expect(page.getByTestId(`capability-${code}`)).toHaveText("(not available)");
    await expect(page.getByTestId(`reason-${code}`)).toContainText(
      `no translation engine from English to ${name} in this home (embedded Apertium has es, fr, pt, ca, it)`,
    );
    await expect(page.getByTestId(`target-${code}`)).toBeDisabled();
  }

  // A session in what the home serves starts.
  await page.getByTestId("title").fill("Languages up front");
  await page.getByTestId("target-es").check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  expect(problems).toEqual([]);
});
