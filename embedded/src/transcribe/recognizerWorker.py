"""Long-lived pocketsphinx recognizer for one Transcribe stream of the embedded server.

Run with Debian's /usr/bin/python3 (python3-pocketsphinx). One decoder lives as long as the
stream: audio is fed continuously, an utterance ends when pocketsphinx's voice activity
detector reports the end of speech, and the next one starts on the same decoder.

stdin: frames of 1 byte kind + 4 bytes little-endian length + payload
  b"A" 16-bit little-endian 16 kHz mono PCM
  b"V" JSON list of {"word": str, "soundsLike": str | null}: words to add to the dictionary
  b"E" end of audio: finish the utterance in progress, then answer {"type": "flushed"}
stdout: JSON lines
  {"type": "ready"}
  {"type": "hyp", "final": bool, "utt": int, "words": [{"w": str, "s": sec, "e": sec}]}
  {"type": "vocab", "added": [str], "known": [str]}
  {"type": "flushed"}
"""

import json
import os
import re
import struct
import sys

from pocketsphinx import Decoder

MODEL_DIR = os.environ.get("BABELCAST_PS_MODEL", "/usr/share/pocketsphinx/model/en-us")
RATE = 16000
BYTES_PER_SEC = RATE * 2
FRAME_SEC = 0.01
# A partial hypothesis is reported every this much audio while speech goes on.
PARTIAL_EVERY_BYTES = int(os.environ.get("BABELCAST_PS_PARTIAL_MS", "200")) * BYTES_PER_SEC // 1000
# Transcribe ends long utterances too; a monologue without pauses still gets finals.
MAX_UTTERANCE_BYTES = int(os.environ.get("BABELCAST_PS_MAX_UTTERANCE_S", "25")) * BYTES_PER_SEC
FILLERS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+.*\+)$")

# Rough letter-to-phone fallback for glossary words with no dictionary entry and no sounds-like hint.
LETTER_PHONES = {
    "a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH", "i": "IH",
    "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
    "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "Y", "z": "Z",
}


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def make_decoder():
    config = Decoder.default_config()
    config.set_string("-hmm", os.path.join(MODEL_DIR, "en-us"))
    config.set_string("-lm", os.path.join(MODEL_DIR, "en-us.lm.bin"))
    config.set_string("-dict", os.path.join(MODEL_DIR, "cmudict-en-us.dict"))
    config.set_string("-logfn", "/dev/null")
    return Decoder(config)


def read_exact(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class Recognizer:
    def __init__(self):
        self.decoder = make_decoder()
        self.bytes_in = 0  # audio consumed since the stream began
        self.utt = 0
        self.utt_start_bytes = 0
        self.since_partial = 0
        self.in_speech = False
        self.pending = b""  # odd byte carried between audio frames
        self.decoder.start_utt()

    def words(self):
        out = []
        # Segment frames count from the start of the stream (the decoder's frame counter does
        # not restart with an utterance), so a frame's time is simply frames × 10 ms.
        for seg in self.decoder.seg():
            word = seg.word
            if FILLERS.match(word):
                continue
            word = re.sub(r"\(\d+\)$", "", word)
            out.append({"w": word, "s": round(seg.start_frame * FRAME_SEC, 3),
                        "e": round((seg.end_frame + 1) * FRAME_SEC, 3)})
        return out

    def report(self, final):
        words = self.words() if self.decoder.hyp() is not None else []
        if words or final:
            emit({"type": "hyp", "final": final, "utt": self.utt, "words": words})

    def end_utterance(self):
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        if hyp is not None and hyp.hypstr.strip():
            self.report(True)
        self.utt += 1
        self.utt_start_bytes = self.bytes_in
        self.since_partial = 0
        self.decoder.start_utt()

    def audio(self, pcm):
        pcm = self.pending + pcm
        if len(pcm) % 2:
            self.pending, pcm = pcm[-1:], pcm[:-1]
        else:
            self.pending = b""
        # Chunks of 100 ms keep the speech/silence decision timely.
        step = BYTES_PER_SEC // 10
        for i in range(0, len(pcm), step):
            chunk = pcm[i:i + step]
            self.decoder.process_raw(chunk, False, False)
            self.bytes_in += len(chunk)
            self.since_partial += len(chunk)
            speaking = self.decoder.get_in_speech()
            if self.in_speech and not speaking:
                self.in_speech = False
                self.end_utterance()
                continue
            self.in_speech = speaking
            if speaking and self.bytes_in - self.utt_start_bytes > MAX_UTTERANCE_BYTES:
                self.end_utterance()
            elif speaking and self.since_partial >= PARTIAL_EVERY_BYTES:
                self.since_partial = 0
                self.report(False)

    def flush(self):
        self.end_utterance()
        self.in_speech = False
        emit({"type": "flushed"})

    def pronunciation(self, word, sounds_like):
        """Phones for a new word: from sounds-like parts or known sub-words, else spelled out roughly."""
        parts = [p for p in re.split(r"[-\s]+", sounds_like or "") if p]
        if not parts:
            parts = self.split_known(word) or []
        phones = []
        for part in parts:
            known = self.decoder.lookup_word(part.lower())
            if known:
                phones.append(known)
            else:
                phones.append(" ".join(LETTER_PHONES.get(ch, "") for ch in part.lower() if ch in LETTER_PHONES))
        if not phones:
            phones = [" ".join(LETTER_PHONES[ch] for ch in word if ch in LETTER_PHONES)]
        return " ".join(p for p in phones if p).strip()

    def split_known(self, word):
        """Splits a compound like "babelcast" into dictionary words ("babel", "cast") when possible."""
        best = {0: []}
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - 20), end):
                if start in best and end - start >= 2 and self.decoder.lookup_word(word[start:end]):
                    candidate = best[start] + [word[start:end]]
                    if end not in best or len(candidate) < len(best[end]):
                        best[end] = candidate
        return best.get(len(word))

    def vocabulary(self, entries):
        added, known, new = [], [], []
        # Adding words is only possible between utterances.
        self.decoder.end_utt()
        for entry in entries:
            for word in re.split(r"\s+", str(entry.get("word", "")).strip().lower()):
                word = re.sub(r"[^a-z']", "", word)
                if not word or word in added:
                    continue
                if self.decoder.lookup_word(word):
                    known.append(word)
                    continue
                phones = self.pronunciation(word, entry.get("soundsLike"))
                if phones:
                    new.append((word, phones))
                    added.append(word)
        # The search is rebuilt (about half a second) only once, with the last word.
        for i, (word, phones) in enumerate(new):
            self.decoder.add_word(word, phones, i == len(new) - 1)
        self.decoder.start_utt()
        self.utt_start_bytes = self.bytes_in
        emit({"type": "vocab", "added": added, "known": known})


def main():
    recognizer = Recognizer()
    emit({"type": "ready"})
    stdin = sys.stdin.buffer
    while True:
        head = read_exact(stdin, 5)
        if head is None:
            return
        kind = head[:1]
        (length,) = struct.unpack("<I", head[1:])
        payload = read_exact(stdin, length) if length else b""
        if payload is None:
            return
        if kind == b"A":
            recognizer.audio(payload)
        elif kind == b"V":
            recognizer.vocabulary(json.loads(payload.decode("utf-8")))
        elif kind == b"E":
            recognizer.flush()


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
