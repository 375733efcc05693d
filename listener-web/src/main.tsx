import { render } from "preact";
import { ListenerSession } from "./connection/listenerSession.js";
import { safeStore } from "./language/storedPreferences.js";
import { App } from "./ui/App.js";
import "./styles.css";

/** The session id is the last path segment: `/s/amber-harbor-482`. */
const sessionId = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] ?? "");
const store = safeStore(() => localStorage);
const tabStore = safeStore(() => sessionStorage);
const browserLanguages = navigator.languages?.length ? navigator.languages : [navigator.language];

const audio = document.createElement("audio");
audio.autoplay = true;
audio.setAttribute("playsinline", "");
document.body.append(audio);

const session = new ListenerSession(sessionId, audio, store, tabStore, browserLanguages);
render(
  <App session={session} audio={audio} store={store} browserLanguages={browserLanguages} />,
  document.getElementById("app")!,
);
void session.load();
