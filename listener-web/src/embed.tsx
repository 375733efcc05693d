import { render } from "preact";
import { ListenerSession } from "./connection/listenerSession.js";
import { embedTarget, memoryStore } from "./embed/embedTarget.js";
import { rememberLanguage, safeStore } from "./language/storedPreferences.js";
import { App } from "./ui/App.js";
import "./styles.css";

// The embeddable player: the listener page's session and UI inside another site's iframe. The API
// serves its HTML (with the session's frame-ancestors); config.json sits beside this script.
const target = embedTarget(location.pathname, location.search);
const store = target.language ? memoryStore() : safeStore(() => localStorage);
if (target.language) rememberLanguage(store, target.language);
const tabStore = safeStore(() => sessionStorage);
const browserLanguages = navigator.languages?.length ? navigator.languages : [navigator.language];
const configUrl = new URL("/config.json", import.meta.url).href;

const audio = document.createElement("audio");
audio.autoplay = true;
audio.setAttribute("playsinline", "");
document.body.append(audio);

const session = new ListenerSession(target.sessionId, audio, store, tabStore, browserLanguages, configUrl);
render(
  <App
    session={session}
    audio={audio}
    store={store}
    browserLanguages={browserLanguages}
    fixedLanguage={Boolean(target.language)}
  />,
  document.getElementById("app")!,
);
void session.load();
