import { signal } from "@preact/signals";

/** Which overlays and side panels are open: the presenter's view choices, written by the UI. */
export function createPanelsStore() {
  return {
    qrOpen: signal(false),
    diagnosticsOpen: signal(false),
    settingsOpen: signal(false),
  };
}

export type PanelsStore = ReturnType<typeof createPanelsStore>;
