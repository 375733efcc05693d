"""Long-lived pocketsphinx recognizer for one Transcribe stream of the embedded server.

Run with Debian's /usr/bin/python3 (python3-pocketsphinx). One decoder lives as long as the
stream: audio is fed continuously, an utterance ends when pocketsphinx's voice activity
detector reports the end of speech, and the next one starts on the same decoder.

stdin: frames of 1 byte kind + 4 bytes little-endian length + payload
  b"A" 16-bit little-endian 16 kHz mono PCM
  b"V" JSON list of {"word": str, "soundsLike": str | null}: words to add to the dictionary
  b"E" end of audio: finish the utterance in progress, then answer {"type": "flushed"}
  b"S" JSON {"startedAt": epoch ms}: the stream this worker serves opened then (sent first; a worker
       loaded ahead of its stream gets it when a stream takes it)
stdout: JSON lines
  {"type": "ready"}
  {"type": "pace", "mode": "normal" | "catch-up", "behind_s": float}   when the search changes

Catch-up: the audio arrives in real time, so whenever the worker finds its input empty it is
caught up; how far the audio decoded since then trails the wall clock is how far behind it is.
Before it first finds its input empty, the stream's clock starts when the stream opened (the "S"
frame): the seconds spent loading the models, longer on a starved CPU, count as behind, so a backlog
queued at the start of a stream is decoded with the lighter search (and its quiet skipped) from the
first frame instead of at full cost. A worker the server loaded ahead of its stream finds no audio
waiting and anchors again when the first audio arrives.
The worker reads every frame already waiting before it decodes the next, and notes when each arrived:
audio is never received before it is captured, so audio that arrives faster than real time (a backlog
the client queued, e.g. a console that captured while its stream connected, or a stream renewed with
kept audio) shows the stream's second 0 was earlier, and the worker is behind by that backlog at once,
although its input never ran dry.
Behind by more than CATCH_UP_AFTER_S (a starved CPU), the next utterance is decoded by a lighter
search (every other frame scored, fewer Gaussians and HMMs), and while behind by more than
SKIP_SILENCE_AFTER_S the quiet between utterances is counted but not decoded. Back within
CAUGHT_UP_S, the full search returns. Word times stay on the stream's clock throughout.
  {"type": "hyp", "final": bool, "utt": int, "t": sec, "words": [{"w": str, "s": sec, "e": sec}]}
    t: the stream's seconds consumed when the hypothesis was taken (its position in the audio)
  {"type": "vocab", "added": [str], "known": [str]}
  {"type": "flushed"}
"""

import time

# Wall time of the stream's second 0: taken before anything slow (imports, model loading).
STARTED = time.monotonic()

import array  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import select  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402

from pocketsphinx import Decoder  # noqa: E402

MODEL_DIR = os.environ.get("BABELCAST_PS_MODEL", "/usr/share/pocketsphinx/model/en-us")
RATE = 16000
BYTES_PER_SEC = RATE * 2
FRAME_SEC = 0.01
# A partial hypothesis is reported every this much audio while speech goes on.
PARTIAL_EVERY_BYTES = int(os.environ.get("BABELCAST_PS_PARTIAL_MS", "200")) * BYTES_PER_SEC // 1000
# Silence that ends an utterance. pocketsphinx's default is 0.5 s; 0.3 s gave the same words and
# utterances on the five LibriVox clips, with each final 0.2 s sooner (docs/embedded-transcribe.md).
END_OF_SPEECH_FRAMES = int(os.environ.get("BABELCAST_PS_END_OF_SPEECH_MS", "300")) // 10
# Transcribe ends long utterances too; a monologue without pauses still gets finals.
# The second pass (fwdflat then bestpath) at each utterance's end: "0" turns it off (benches compare).
SECOND_PASS = os.environ.get("BABELCAST_PS_SECOND_PASS", "1") != "0"
MAX_UTTERANCE_BYTES = int(os.environ.get("BABELCAST_PS_MAX_UTTERANCE_S", "25")) * BYTES_PER_SEC
FILLERS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+.*\+)$")
CATCH_UP_AFTER_S = float(os.environ.get("BABELCAST_PS_CATCH_UP_AFTER_S", "1.0"))
SKIP_SILENCE_AFTER_S = float(os.environ.get("BABELCAST_PS_SKIP_SILENCE_AFTER_S", "2.0"))
CAUGHT_UP_S = 0.3
# RMS of 16-bit samples under which a chunk between utterances counts as quiet (about -44 dBFS).
QUIET_RMS = 200
# The lighter search: score every other frame, the 2 best Gaussians, fewer active HMMs and words per frame.
LIGHT_SEARCH = {"-ds": 2, "-topn": 2, "-maxhmmpf": 3000, "-maxwpf": 5, "-pl_window": 10}

# Rough letter-to-phone fallback for glossary words with no dictionary entry and no sounds-like hint.
LETTER_PHONES = {
    "a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH", "i": "IH",
    "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
    "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "Y", "z": "Z",
}


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def make_decoder(search=None):
    config = Decoder.default_config()
    config.set_string("-hmm", os.path.join(MODEL_DIR, "en-us"))
    config.set_string("-lm", os.path.join(MODEL_DIR, "en-us.lm.bin"))
    config.set_string("-dict", os.path.join(MODEL_DIR, "cmudict-en-us.dict"))
    config.set_string("-logfn", "/dev/null")
    config.set_int("-vad_postspeech", END_OF_SPEECH_FRAMES)
    if not SECOND_PASS:
        config.set_boolean("-fwdflat", False)
        config.set_boolean("-bestpath", False)
    for key, value in (search or {}).items():
        config.set_int(key, value)
    return Decoder(config)


class Search:
    """A decoder and how much of the stream it has been fed (its frames count only what it decoded)."""

    def __init__(self, name, decoder):
        self.name = name
        self.decoder = decoder
        self.fed_bytes = 0


class Pace:
    """How far the decoding trails real time, re-anchored each time the input runs dry."""

    def __init__(self, started):
        # Wall time minus stream time when last caught up; until then, the worker's start.
        self.anchor = started
        # The earliest wall time minus stream time its audio's arrival shows (None before any audio).
        self.arrival_anchor = None

    def caught_up(self, stream_seconds):
        self.anchor = time.monotonic() - stream_seconds

    def arrived(self, received_seconds):
        """Audio up to `received_seconds` of the stream has arrived now: it was captured no later than now."""
        at = time.monotonic() - received_seconds
        if self.arrival_anchor is None or at < self.arrival_anchor:
            self.arrival_anchor = at
        if at < self.anchor:
            self.anchor = at
            return True
        return False

    def behind(self, stream_seconds):
        return max(0.0, time.monotonic() - stream_seconds - self.anchor)


def rms(pcm):
    # array rather than audioop, which Python 3.13 removed; only computed while far behind.
    samples = array.array("h", pcm)
    return (sum(x * x for x in samples) / max(1, len(samples))) ** 0.5


def input_waiting(fd):
    return bool(select.select([fd], [], [], 0)[0])


def read_exact(fd, n):
    # Unbuffered reads, so that select() sees exactly what is still waiting.
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class Recognizer:
    def __init__(self):
        self.full = Search("normal", make_decoder())
        self.light = Search("catch-up", make_decoder(LIGHT_SEARCH))
        self.search = self.full
        self.decoder = self.full.decoder
        self.pace = Pace(STARTED)
        self.bytes_in = 0  # audio consumed (decoded or counted as quiet) since the stream began
        self.utt = 0
        self.utt_start_bytes = 0
        self.since_partial = 0
        self.in_speech = False
        self.pending = b""  # odd byte carried between audio frames
        self.streaming = False  # a stream has taken this worker ("S"): its clock is the stream's
        self.decoder.start_utt()

    def start_stream(self, started_at_ms, audio_waiting):
        """The stream opened at `started_at_ms` (epoch): its second 0. Audio that queued since (while the
        models loaded) counts as behind, and the first search is chosen on that."""
        self.streaming = True
        self.pace.anchor = time.monotonic() - max(0.0, time.time() - started_at_ms / 1000)
        if self.pace.arrival_anchor is not None:
            # Audio read with this frame already showed an earlier second 0.
            self.pace.anchor = min(self.pace.anchor, self.pace.arrival_anchor)
        if self.bytes_in == 0 and audio_waiting:
            self.decoder.end_utt()
            self.choose_search()
            self.decoder.start_utt()

    def backlog_arrived(self):
        """Audio arrived faster than real time: between utterances, the lighter search takes the backlog now."""
        if (not self.streaming or self.in_speech or self.search is not self.full
                or self.pace.behind(self.stream_seconds()) <= CATCH_UP_AFTER_S):
            return
        if self.bytes_in == 0:
            self.decoder.end_utt()
            self.choose_search()
            self.decoder.start_utt()
        else:
            self.end_utterance()

    def words(self):
        out = []
        # Segment frames count from the start of what this decoder was fed (its frame counter does
        # not restart with an utterance, and stays in 10 ms frames with -ds); audio it was not fed
        # (decoded by the other search, or quiet and skipped) is added back. Nothing is skipped
        # during speech, so one offset holds for every word reported.
        offset = (self.bytes_in - self.search.fed_bytes) / BYTES_PER_SEC
        for seg in self.decoder.seg():
            word = seg.word
            if FILLERS.match(word):
                continue
            word = re.sub(r"\(\d+\)$", "", word)
            out.append({"w": word, "s": round(seg.start_frame * FRAME_SEC + offset, 3),
                        "e": round((seg.end_frame + 1) * FRAME_SEC + offset, 3)})
        return out

    def report(self, final):
        words = self.words() if self.decoder.hyp() is not None else []
        if words or final:
            emit({"type": "hyp", "final": final, "utt": self.utt, "t": round(self.stream_seconds(), 3), "words": words})

    def end_utterance(self):
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        if hyp is not None and hyp.hypstr.strip():
            self.report(True)
        self.utt += 1
        self.utt_start_bytes = self.bytes_in
        self.since_partial = 0
        self.choose_search()
        self.decoder.start_utt()

    def stream_seconds(self):
        return self.bytes_in / BYTES_PER_SEC

    def caught_up(self, arriving_seconds=0.0):
        """The input ran dry: decoding is level with real time; between utterances the full search returns now."""
        self.pace.caught_up(self.stream_seconds() + arriving_seconds)
        if self.search is self.light and not self.in_speech:
            self.end_utterance()

    def choose_search(self):
        """Between utterances: the lighter search while behind, the full one once caught up."""
        behind = self.pace.behind(self.stream_seconds())
        wanted = self.search
        if self.search is self.full and behind > CATCH_UP_AFTER_S:
            wanted = self.light
        elif self.search is self.light and behind < CAUGHT_UP_S:
            wanted = self.full
        if wanted is not self.search:
            self.search = wanted
            self.decoder = wanted.decoder
            emit({"type": "pace", "mode": wanted.name, "behind_s": round(behind, 2)})

    def audio(self, pcm):
        pcm = self.pending + pcm
        if len(pcm) % 2:
            self.pending, pcm = pcm[-1:], pcm[:-1]
        else:
            self.pending = b""
        # Chunks of 50 ms keep the speech/silence decision timely.
        step = BYTES_PER_SEC // 20
        for i in range(0, len(pcm), step):
            chunk = pcm[i:i + step]
            behind = self.pace.behind(self.stream_seconds())
            if (not self.in_speech and behind > SKIP_SILENCE_AFTER_S
                    and rms(chunk) < QUIET_RMS):
                # Far behind, and quiet between utterances: counted on the stream's clock, not decoded.
                self.bytes_in += len(chunk)
                continue
            self.decoder.process_raw(chunk, False, False)
            self.bytes_in += len(chunk)
            self.search.fed_bytes += len(chunk)
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
                # Behind, partials would be stale on arrival: the final carries the words.
                if behind <= CATCH_UP_AFTER_S:
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
        # Adding words is only possible between utterances (only the current search is in one).
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
        # The search is rebuilt (about half a second per decoder) only once, with the last word.
        for search in (self.full, self.light):
            for i, (word, phones) in enumerate(new):
                search.decoder.add_word(word, phones, i == len(new) - 1)
        self.decoder.start_utt()
        self.utt_start_bytes = self.bytes_in
        emit({"type": "vocab", "added": added, "known": known})


def main():
    recognizer = Recognizer()
    emit({"type": "ready"})
    stdin = sys.stdin.fileno()
    inbox = collections.deque()  # frames read, not yet handled
    received = 0  # audio bytes read
    ended = False

    def take():
        """Reads one frame into the inbox (blocking); False at the end of input."""
        nonlocal received, ended
        head = read_exact(stdin, 5)
        if head is None:
            ended = True
            return False
        kind = head[:1]
        (length,) = struct.unpack("<I", head[1:])
        payload = read_exact(stdin, length) if length else b""
        if payload is None:
            ended = True
            return False
        inbox.append((kind, payload))
        if kind == b"A":
            received += len(payload)
            return recognizer.pace.arrived(received / BYTES_PER_SEC)
        return False

    while True:
        dry = not inbox and not input_waiting(stdin)
        if dry:
            # Level with real time now: between utterances the full search returns at once.
            recognizer.caught_up()
        backlog = False
        if not inbox:
            backlog = take()
            if not inbox:
                return
        if dry and not input_waiting(stdin):
            # And again once the frame came: decoding was level with real time when it arrived, and an audio
            # frame arrives as its last sample is captured. Re-anchored after the wait, so that a worker
            # loaded ahead of its stream does not count the wait for the first audio as behind. Not when more
            # frames queued behind it: then the worker was not running while they came (starved of CPU during
            # its wait) and the frame arrived long ago; re-anchoring would hide exactly that backlog.
            kind, payload = inbox[0]
            recognizer.caught_up(len(payload) / BYTES_PER_SEC if kind == b"A" else 0.0)
        # Everything already waiting, read now: a backlog shows itself before it is decoded.
        while not ended and input_waiting(stdin):
            backlog = take() or backlog
        if backlog:
            recognizer.backlog_arrived()
        kind, payload = inbox.popleft()
        if kind == b"A":
            recognizer.audio(payload)
        elif kind == b"V":
            recognizer.vocabulary(json.loads(payload.decode("utf-8")))
        elif kind == b"E":
            recognizer.flush()
        elif kind == b"S":
            recognizer.start_stream(float(json.loads(payload.decode("utf-8"))["startedAt"]),
                                    bool(inbox) or input_waiting(stdin))


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
