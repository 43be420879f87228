import type { Translate } from '../i18n/useT';

/** What `segments.preview` says of a segment's size (its sample aside). */
export interface SegmentCountResult {
  count: number;
  capped: boolean;
  scanned: number;
}

/**
 * The live count in words. A capped count stopped at the server's time
 * budget: it is a lower bound over the newest contacts read, and saying so
 * keeps an operator from taking it for the audience size.
 */
export function segmentCountText(t: Translate, r: SegmentCountResult): string {
  return r.capped ? t('segment.count.capped', { n: r.count, scanned: r.scanned }) : t('segment.count', { n: r.count });
}
