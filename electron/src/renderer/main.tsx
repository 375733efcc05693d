import { parseInterpreterFragment } from "@babelcast/protocol";
import { render } from "preact";
import { readQrView } from "../shared/qrView.js";
import { App } from "./components/App.js";
import { QrOverlay } from "./components/QrOverlay.js";
import { startRecognizer } from "./console/recognizerLink.js";
import { type ConsoleStores, wireConsole } from "./console/wireConsole.js";
import { InterpreterPage } from "./interpreter/InterpreterPage.js";
import { consolePollySynthesizer } from "./speech/pollySynthesizer.js";
import { decodeSpeech } from "./speech/speechFrames.js";

const root = document.getElementById("app")!;
const qrView = readQrView(location.hash);
const interpreterInvite = parseInterpreterFragment(location.hash);
if (interpreterInvite) {
  // An interpreter's device: the one-time link leaves the address bar (a reload cannot reuse it anyway).
  history.replaceState(null, "", location.pathname);
  render(<InterpreterPage sessionId={interpreterInvite.sessionId} token={interpreterInvite.token} />, root);
} else if (qrView) {
  // The projector window: just the code, no microphone, no session.
  render(<QrOverlay joinUrl={qrView.joinUrl} title={qrView.title} standalone onClose={() => window.close()} />, root);
} else {
  const stores = wireConsole({ startRecognizer, decodeSpeech, createSynthesizer: consolePollySynthesizer });
  // Tests and support staff can reach the running console's stores from the devtools / Playwright.
  (window as unknown as { babelcastConsole?: ConsoleStores }).babelcastConsole = stores;
  render(<App stores={stores} />, root);
  void stores.boot();
}
