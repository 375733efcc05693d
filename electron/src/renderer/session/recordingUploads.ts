import type { RecordingUploadGrant } from "@babelcast/protocol";
import type { ConsoleApi } from "./consoleApi.js";

/**
 * Recording uploads to the deployment's recordings bucket: whether it takes them, and one
 * file's upload through the presigned PUT the server gives, with progress.
 */
export interface RecordingUploads {
  /** The days the bucket keeps a recording, or undefined when this deployment takes no uploads. */
  available(sessionId: string): Promise<number | undefined>;
  /** Uploads one recording; resolves with its key, rejects with a sentence for the presenter. */
  upload(
    sessionId: string,
    language: string,
    startedAt: number,
    file: Blob,
    onProgress: (fraction: number) => void,
  ): Promise<string>;
}

/** PUTs the file with XMLHttpRequest, the one browser API that reports upload progress. */
function putWithProgress(
  grant: RecordingUploadGrant,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(grant.method, grant.url);
    for (const [name, value] of Object.entries(grant.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      // S3 answers with an XML error naming its code.
      const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText ?? "")?.[1] ?? `HTTP ${xhr.status}`;
      reject(new Error(`the storage refused the upload (${code})`));
    };
    xhr.onerror = () => reject(new Error("the network failed during the upload"));
    xhr.send(file);
  });
}

export function consoleRecordingUploads(api: () => ConsoleApi | undefined): RecordingUploads {
  const client = () => {
    const a = api();
    if (!a) throw new Error("not signed in");
    return a;
  };
  return {
    async available(sessionId) {
      const list = await client().recordings(sessionId);
      return list.uploads ? (list.expireDays ?? 1) : undefined;
    },
    async upload(sessionId, language, startedAt, file, onProgress) {
      const grant = await client().createRecordingUpload(sessionId, {
        language,
        contentType: "audio/webm",
        bytes: file.size,
        startedAt,
      });
      await putWithProgress(grant, file, onProgress);
      onProgress(1);
      return grant.key;
    },
  };
}
