/**
 * What "Promote" will do, in words, for the confirmation: the winner gets
 * every send in a new version, the other variants drop to 0% but keep their
 * copy, and the results so far stay with the version they were sent from.
 */
export function promoteConsequence(variants: readonly { key: string; weight: number }[], winner: string, current: number): string {
  const others = variants.filter((v) => v.key !== winner).map((v) => `${v.key.toUpperCase()} (now ${String(v.weight)}%)`);
  const rest =
    others.length === 0
      ? ''
      : ` ${others.join(', ')} ${others.length === 1 ? 'drops' : 'drop'} to 0%: ${others.length === 1 ? 'its' : 'their'} copy stays in the template, to test again later, but nobody gets ${others.length === 1 ? 'it' : 'them'}.`;
  return (
    `Promote variant ${winner.toUpperCase()} to 100%? This saves version ${String(current + 1)}, in which every new send uses ${winner.toUpperCase()}.${rest}` +
    ` The results so far stay under version ${String(current)}. With four-eyes approval on, this becomes a request someone else approves first.`
  );
}
