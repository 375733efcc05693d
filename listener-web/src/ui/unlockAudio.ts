let context: AudioContext | undefined;

/**
 * Must run synchronously inside the Listen tap: iOS Safari (and Chrome's autoplay policy)
 * only let a page start sound from a user gesture. Creating/resuming an AudioContext and
 * calling play() on the element here unlocks both for the stream that arrives later.
 */
export function unlockAudio(audio: HTMLAudioElement): void {
  try {
    context ??= new AudioContext();
    void context.resume();
    const silence = context.createBufferSource();
    silence.buffer = context.createBuffer(1, 1, 22050);
    silence.connect(context.destination);
    silence.start(0);
  } catch {
    // No Web Audio: the element alone still plays.
  }
  audio.play().catch(() => {
    // Nothing to play yet; the gesture has still unlocked the element.
  });
}
