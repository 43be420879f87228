import type { Translate } from '../i18n/useT';

/**
 * What "Promote" will do, in words, for the confirmation: the winner gets
 * every send in a new version, the other variants drop to 0% but keep their
 * copy, and the results so far stay with the version they were sent from.
 */
export function promoteConsequence(t: Translate, variants: readonly { key: string; weight: number }[], winner: string, current: number): string {
  const others = variants.filter((v) => v.key !== winner).map((v) => t('promote.other', { key: v.key.toUpperCase(), weight: v.weight }));
  const parts = [t('promote.head', { winner: winner.toUpperCase(), next: current + 1 })];
  if (others.length > 0) parts.push(t('promote.others', { list: others.join(t('promote.listSeparator')), n: others.length }));
  parts.push(t('promote.tail', { current }));
  return parts.join(' ');
}
