// eSpeak NG in a worker thread: the WASM build (Echogarden's Emscripten port of the
// library, with its synthesis API) is loaded once and kept; each message synthesizes one
// run of text. A worker, not the main thread, because synthesis is synchronous and takes
// tens of milliseconds: on the main thread it would stall every socket of the server.
// Plain JavaScript so it runs as a worker under any loader (tsx, vitest, node).
import { parentPort } from "node:worker_threads";
import createEspeak from "@echogarden/espeak-ng-emscripten";

const espeak = await createEspeak();
const engine = new espeak.eSpeakNGWorker();

parentPort.on("message", (request) => {
  const { id, text, voice, wordsPerMinute } = request;
  try {
    if (engine.set_voice("", voice) !== 0) {
      parentPort.postMessage({ id, error: `eSpeak NG has no voice for language "${voice}"` });
      return;
    }
    engine.set_rate(wordsPerMinute);
    const chunks = [];
    let length = 0;
    engine.synthesize(text, (samples) => {
      chunks.push(samples);
      length += samples.length;
      return false;
    });
    const samples = new Int16Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    parentPort.postMessage({ id, samples, sampleRate: engine.samplerate }, [samples.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});

parentPort.postMessage({
  ready: true,
  sampleRate: engine.samplerate,
  voices: engine
    .list_voices()
    .map((v) => ({ identifier: v.identifier, name: v.name, languages: v.languages.map((l) => l.name) })),
});
