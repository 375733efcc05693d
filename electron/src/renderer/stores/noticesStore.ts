import { type ReadonlySignal, signal } from "@preact/signals";

export interface Notice {
  readonly id: string;
  readonly level: "error" | "warning" | "info";
  readonly text: string;
  /** Label and handler of the button that fixes it, when there is one. */
  readonly action?: { readonly label: string; readonly run: () => void };
}

/** What the presenter should know or fix; one notice per id, the newest replaces the older. */
export function createNoticesStore() {
  const list = signal<readonly Notice[]>([]);
  return {
    list: list as ReadonlySignal<readonly Notice[]>,
    push(notice: Notice): void {
      list.value = [...list.value.filter((n) => n.id !== notice.id), notice];
    },
    clear(id: string): void {
      if (list.value.some((n) => n.id === id)) list.value = list.value.filter((n) => n.id !== id);
    },
  };
}

export type NoticesStore = ReturnType<typeof createNoticesStore>;
