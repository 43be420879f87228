/**
 * SMS segment counting as carriers bill it, so copywriters see the cost of a
 * variant while they type (DOMAIN.md: "with its length and SMS segment count").
 *
 * A text goes out in one of two encodings:
 * - **GSM-7** (GSM 03.38) when every character is in its basic set or its
 *   extension table: 160 septets in a single message, 153 per part once it is
 *   split (the other 7 septets carry the concatenation header). Extension
 *   characters are sent as ESC + char, so they cost 2 septets.
 * - **UCS-2** otherwise (any Chinese character, emoji, curly quote…): 70 UTF-16
 *   code units in a single message, 67 per part. Astral characters (most emoji)
 *   are a surrogate pair and cost 2 units.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/**
 * GSM 03.38 basic character set: the 128 code points of the default alphabet
 * minus 0x1B (ESC, the escape to the extension table), in table order.
 * Kept strict on purpose: providers that transliterate look-alikes (ç → Ç,
 * Greek Α → A) do so unevenly, and counting them as UCS-2 errs towards the
 * higher, safer cost estimate.
 */
const gsm7Basic = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table (reached through ESC): 2 septets each. */
const gsm7Extension = '\f^{}\\[~]|€';

const basic = new Set(gsm7Basic);
const extension = new Set(gsm7Extension);

const limits = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
} as const satisfies Record<SmsEncoding, { single: number; perPart: number }>;

interface SmsStats {
  encoding: SmsEncoding;
  /** user-visible characters (code points) */
  length: number;
  /** what is billed: septets in GSM-7, UTF-16 code units in UCS-2 */
  units: number;
  /** messages billed; 0 for empty text */
  parts: number;
  /** capacity of each part: 160 / 70 for a single message, 153 / 67 once split */
  perPart: number;
  /** units left before the next part starts (in the last part) */
  remainingInPart: number;
}

/**
 * Counts encoding, units and parts of an SMS text.
 *
 * Parts of a concatenated message are counted by filling them greedily, one
 * character at a time, without splitting a character: an extension character
 * (ESC + char) or a surrogate pair never straddles two parts, because phones
 * would show garbage at the seam and gateways move the whole character to the
 * next part. So a part can end one unit short of 153 / 67, and the count can
 * exceed `ceil(units / perPart)`, as carriers bill it.
 */
export function smsStats(text: string): SmsStats {
  const chars = [...text];
  const gsm = chars.every((c) => basic.has(c) || extension.has(c));
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  // per character: septets in GSM-7, UTF-16 code units in UCS-2
  const weights = chars.map((c) => (gsm ? (extension.has(c) ? 2 : 1) : c.length));
  const units = weights.reduce((s, w) => s + w, 0);
  const { single, perPart } = limits[encoding];

  if (units <= single) {
    return { encoding, length: chars.length, units, parts: units === 0 ? 0 : 1, perPart: single, remainingInPart: single - units };
  }
  let parts = 1;
  let used = 0;
  for (const w of weights) {
    if (used + w > perPart) {
      parts++;
      used = 0;
    }
    used += w;
  }
  return { encoding, length: chars.length, units, parts, perPart, remainingInPart: perPart - used };
}

/**
 * Cost of sending one message to 10,000 contacts, the unit operators compare
 * channels in ("does it pay for itself per 10k reached"). Rounded to 6
 * decimals so float noise (0.045 × 10,000 = 450.00000000000006) does not
 * leak into the UI.
 */
export function smsCostPer10k(parts: number, pricePerPart: number): number {
  if (!Number.isInteger(parts) || parts < 0) throw new RangeError(`parts must be a whole number ≥ 0 (got ${parts})`);
  if (!Number.isFinite(pricePerPart) || pricePerPart < 0) throw new RangeError(`pricePerPart must be a finite number ≥ 0 (got ${pricePerPart})`);
  return Math.round(parts * pricePerPart * 10_000 * 1e6) / 1e6;
}
