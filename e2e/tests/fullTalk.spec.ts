import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HANDLER_ENTRIES } from "@babelcast/backend/handlers/deployedFunctions.js";
import {
  CONSOLE_STATEMENTS,
  type PolicyResource,
  policyAllows,
  principalStatements,
} from "@babelcast/backend/permissions/permissionTable.js";
import { readRecordedCalls } from "@babelcast/embedded/auth/callerDirectory.js";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../support/consoleFixtures.js";
import { ensureListenerPageBuilt } from "../support/listenerBuild.js";
import { receivedEnergy } from "../support/listenerMaster.js";
import { loadClips, writeTalk } from "../support/transcribeClips.js";

// The whole talk through the whole embedded system, started as `npm run serve` starts it:
// real recorded English speech (LibriVox) at the console's fake microphone → console in
// browser mode (capture, recognizer, segmenter, KVS master hub, speech players) → embedded
// server (sessions, Transcribe on pocketsphinx, Translate on Apertium, Polly on eSpeak NG,
// KVS emulator) → three real listener pages in English, Spanish and French.
const talk = writeTalk(loadClips(), join(mkdtempSync(join(tmpdir(), "babelcast-full-talk-")), "talk.wav"));
test.use({ launchOptions: fakeMicrophone(talk.wavPath) });

/** What each listener's page says, in its own language (the page speaks the listener's language). */
const NOTICES: Record<string, { paused: string; muted: string; ended: string }> = {
  en: {
    paused: "The presenter has paused.",
    muted: "The presenter's microphone is muted.",
    ended: "This talk has ended. Thank you for listening.",
  },
  es: {
    paused: "El presentador ha hecho una pausa.",
    muted: "El micrófono del presentador está silenciado.",
    ended: "La charla ha terminado. Gracias por escuchar.",
  },
  fr: {
    paused: "Le présentateur a fait une pause.",
    muted: "Le micro du présentateur est coupé.",
    ended: "La présentation est terminée. Merci de votre écoute.",
  },
};

/** Peak RMS above this in a listener's received track counts as hearing something. */
const HEARD = 0.01;

let servers: ConsoleTestServers;
test.beforeAll(async () => {
  ensureListenerPageBuilt();
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

interface Listener {
  readonly page: Page;
  readonly language: string;
}

async function joinListener(browser: Browser, id: string, language: string): Promise<Listener> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${servers.server.ready.url}/s/${id}`);
  await page.getByRole("combobox").selectOption(language);
  // The big Listen button, labelled in the chosen language.
  await page.locator("button.listen").click();
  return { page, language };
}

const captionLog = (l: Listener) => l.page.getByRole("log");
const statusOf = (l: Listener) => l.page.getByRole("status");

async function expectHeard(l: Listener, timeout = 60_000): Promise<void> {
  await expect
    .poll(() => receivedEnergy(l.page, 1000), {
      timeout,
      intervals: [250],
      message: `${l.language} listener hears audio`,
    })
    .toBeGreaterThan(HEARD);
}

test("a whole talk: three languages heard and captioned, then pause, mute, switch, reload and end", async ({
  page,
  browser,
}) => {
  test.setTimeout(420_000);
  await page.goto(servers.server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("The whole talk");
  await page.getByTestId("source-language").selectOption("en");
  for (const t of ["es", "fr"]) await page.getByTestId(`target-${t}`).check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await page.getByTestId("session-id").textContent()) ?? "")?.[1] ?? "";
  expect(id).not.toBe("");
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 20_000 });

  const en = await joinListener(browser, id, "en");
  const es = await joinListener(browser, id, "es");
  const fr = await joinListener(browser, id, "fr");
  // The console counts them: every listener stays counted while it listens (none forgotten by a broadcast).
  await expect(page.getByTestId("listener-total")).toHaveText("3", { timeout: 20_000 });

  // Each hears audio in its received track: the presenter's voice, or speech in its language.
  for (const l of [en, es, fr]) await expectHeard(l);

  // Each reads captions in its language: the source words, and each translation the console shows.
  await expect(captionLog(en)).not.toBeEmpty({ timeout: 90_000 });
  for (const l of [es, fr]) {
    const shown = page.locator(`[data-testid="segment"] .translation[data-lang="${l.language}"]`);
    await expect(shown.first()).not.toBeEmpty({ timeout: 90_000 });
    // Some translation the console shows for this language is a caption line at that listener.
    await expect
      .poll(
        async () => {
          // Each console line starts with its language code (a label), then the translation.
          const label = new RegExp(`^${l.language}\\s+`);
          const fromConsole = new Set((await shown.allTextContents()).map((t) => t.trim().replace(label, "")));
          const atListener = (await captionLog(l).locator("p").allTextContents()).map((t) => t.trim());
          return atListener.filter((t) => fromConsole.has(t)).length;
        },
        { timeout: 60_000, message: `${l.language} captions match the console's translations` },
      )
      .toBeGreaterThan(0);
  }
  const englishText = (await captionLog(en).textContent()) ?? "";
  expect((await captionLog(es).textContent()) ?? "").not.toContain(englishText.slice(0, 40));

  // Pause reaches every listener, then resume.
  await page.getByTestId("pause").click();
  for (const l of [en, es, fr]) await expect(statusOf(l)).toHaveText(NOTICES[l.language]!.paused, { timeout: 15_000 });
  await page.getByTestId("pause").click();
  for (const l of [en, es, fr]) await expect(statusOf(l)).toHaveText("", { timeout: 15_000 });

  // Mute reaches every listener, and the presenter's voice goes silent for the English listener.
  await page.getByTestId("mute").click();
  for (const l of [en, es, fr]) {
    await expect(statusOf(l)).toHaveText(NOTICES[l.language]!.muted, { timeout: 15_000 });
  }
  await expect.poll(() => receivedEnergy(en.page, 1000), { timeout: 15_000 }).toBeLessThan(0.005);
  await page.getByTestId("mute").click();
  for (const l of [en, es, fr]) await expect(statusOf(l)).toHaveText("", { timeout: 15_000 });
  await expectHeard(en);

  // The French listener switches to Spanish: the console counts it there, audio keeps playing.
  await fr.page.getByRole("combobox").selectOption("es");
  await expect(page.getByTestId("count-es")).toContainText("2", { timeout: 20_000 });
  await expectHeard(fr);

  // The English listener reloads: same slot (the total stays 3), audio back.
  await en.page.reload();
  await en.page.locator("button.listen").click();
  await expectHeard(en);
  await expect(page.getByTestId("listener-total")).toHaveText("3", { timeout: 20_000 });

  // The presenter ends the talk: every listener is told.
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("end-session").click();
  // The French listener now listens in Spanish, and its page speaks Spanish too.
  for (const [l, language] of [
    [en, "en"],
    [es, "es"],
    [fr, "es"],
  ] as const) {
    await expect(statusOf(l)).toHaveText(NOTICES[language]!.ended, { timeout: 20_000 });
  }

  // Every AWS call the console and each function made in this talk is one its cloud role allows:
  // the embedded server refuses the others (AccessDeniedException) and records each distinct call.
  const calls = readRecordedCalls(servers.server.dataDir);
  expect(calls.filter((c) => !c.allowed)).toEqual([]);
  const callers = new Set(calls.map((c) => c.principal));
  for (const principal of ["console", "OwnerHttpFunction", "ListenerHttpFunction", "WebSocketFunction"])
    expect([...callers], principal).toContain(principal);
  for (const call of calls) {
    const entry = HANDLER_ENTRIES.find((e) => e.id === call.principal);
    const statements = call.principal === "console" ? CONSOLE_STATEMENTS : entry && principalStatements(entry);
    if (!statements) continue; // the account's own key (the test harness), not a role of the stack
    const resource = call.resource === "none" ? undefined : (call.resource as PolicyResource);
    expect(policyAllows(statements, call.action, resource), JSON.stringify(call)).toBe(true);
  }
});
