import type { InterpreterInvite, SessionOwnerView } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import type { ConsoleApi } from "../session/consoleApi.js";
import type { NoticesStore } from "./noticesStore.js";

/** Interpreter invites: the presenter asks for a one-time link per language and shows it as a QR code. */
export function createInterpretersStore(deps: {
  notices: NoticesStore;
  api: () => ConsoleApi | undefined;
  session: ReadonlySignal<SessionOwnerView | undefined>;
}) {
  const invite = signal<InterpreterInvite | undefined>(undefined);
  const inviteFor = async (language: string): Promise<void> => {
    const api = deps.api();
    const live = deps.session.value;
    if (!api || !live) return;
    try {
      invite.value = await api.inviteInterpreter(live.id, language);
      deps.notices.clear("interpreter-invite");
    } catch (err) {
      deps.notices.push({
        id: "interpreter-invite",
        level: "error",
        text: `No interpreter link for ${language}: ${(err as Error).message}`,
        action: { label: "Retry", run: () => void inviteFor(language) },
      });
    }
  };
  return {
    /** The invite on screen (its QR code and link), if any. */
    invite: invite as ReadonlySignal<InterpreterInvite | undefined>,
    inviteFor,
    closeInvite(): void {
      invite.value = undefined;
    },
  };
}

export type InterpretersStore = ReturnType<typeof createInterpretersStore>;
