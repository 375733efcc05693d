/** Hands a file to the browser's (or Electron's) download: the presenter chooses where it goes. */
export function saveDownload(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  // Long enough for the download to start reading it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
