import { render } from "preact";
import { readQrView } from "../shared/qrView.js";
import { App } from "./components/App.js";
import { QrOverlay } from "./components/QrOverlay.js";
import { ConsoleController } from "./console/consoleController.js";
import { startRecognizer } from "./console/recognizerLink.js";
import { decodeSpeech } from "./speech/speechFrames.js";

const root = document.getElementById("app")!;
const qrView = readQrView(location.hash);
if (qrView) {
  // The projector window: just the code, no microphone, no session.
  render(<QrOverlay joinUrl={qrView.joinUrl} title={qrView.title} standalone onClose={() => window.close()} />, root);
} else {
  const controller = new ConsoleController({ startRecognizer, decodeSpeech });
  // Tests and support staff can reach the running console from the devtools / Playwright.
  (window as unknown as { babelcastConsole?: ConsoleController }).babelcastConsole = controller;
  render(<App controller={controller} />, root);
  void controller.boot();
}
