import { render } from "preact";
import { CaptionScreen } from "./screen/CaptionScreen.js";
import { screenTarget } from "./screen/screenLines.js";
import "./screen/screen.css";

render(<CaptionScreen target={screenTarget(location.search)} />, document.getElementById("app")!);
