/**
 * How long a robo-call script takes to speak, for the publish forecast's
 * "robo-call minutes". Text-to-speech reads Chinese at about 4 characters a
 * second and English at about 150 words a minute (2.5 a second); digits are
 * read one by one in a limit or a phone number, so each counts like a word.
 * An estimate: the vendor bills what the call really lasted.
 */
const cjk = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const words = /[A-Za-z]+(?:['’][A-Za-z]+)?|\d/g;

/** Seconds to speak `text`, rounded up; 0 for empty text. */
export function spokenSeconds(text: string): number {
  const chars = text.match(cjk)?.length ?? 0;
  const latin = text.replace(cjk, ' ').match(words)?.length ?? 0;
  return Math.ceil(chars / 4 + latin / 2.5);
}

/** Minutes a call of `text` is billed, by the started minute: at least 1 for any script. */
export const billedMinutes = (text: string): number => Math.max(1, Math.ceil(spokenSeconds(text) / 60));
