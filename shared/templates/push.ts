/**
 * Push notification lengths, so copywriters see where a title or body gets
 * cut off on a lock screen before it goes out (DOMAIN.md: "keep messages
 * short, lead with the point").
 */

/**
 * Characters shown before the system truncates with "…", as commonly
 * observed on iOS lock screens and Android notification shades in their
 * default (collapsed) layout. These are not hard API limits: APNs and FCM
 * accept far longer payloads (up to 4 KB), and the visible cut varies with
 * device width, font size and script. Treat them as the point where the reader
 * stops seeing the copy, which is what matters for a notification.
 */
export const pushLimits = {
  ios: { title: 50, body: 178 },
  android: { title: 65, body: 240 },
} as const satisfies Record<'ios' | 'android', { title: number; body: number }>;

/**
 * How title and body fit each platform, one row per platform and part
 * (iOS title, iOS body, Android title, Android body).
 *
 * Lengths count code points, so an emoji or a Chinese character is one, as
 * the reader sees it; a ZWJ emoji sequence (👨‍👩‍👧) counts as its several
 * code points, which errs towards warning early.
 */
export function pushFit(title: string, body: string): { platform: 'ios' | 'android'; part: 'title' | 'body'; length: number; limit: number; over: boolean }[] {
  const lengths = { title: [...title].length, body: [...body].length };
  return (['ios', 'android'] as const).flatMap((platform) =>
    (['title', 'body'] as const).map((part) => {
      const limit = pushLimits[platform][part];
      return { platform, part, length: lengths[part], limit, over: lengths[part] > limit };
    }),
  );
}
