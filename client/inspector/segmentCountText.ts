import { formatCount } from '../format';

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
export function segmentCountText(r: SegmentCountResult): string {
  if (!r.capped) return `${formatCount(r.count)} contacts in this segment now`;
  return `at least ${formatCount(r.count)} contacts in this segment now (counted among the newest ${formatCount(r.scanned)} before the time limit)`;
}
