/**
 * The conversion colour scale, once: a node's overlay tint (NodeShell,
 * `jn__overlay--band<n>`) and the legend beside the overlay switch
 * (OverlayControls) both read this list. `min` is the lowest conversion rate
 * (0–1) in the band; a band runs up to the next band's `min`.
 */
export const conversionBands = [
  { band: 1, min: 0, label: '< 1%' },
  { band: 2, min: 0.01, label: '1–5%' },
  { band: 3, min: 0.05, label: '5–10%' },
  { band: 4, min: 0.1, label: '10–20%' },
  { band: 5, min: 0.2, label: '≥ 20%' },
] as const;

/** The band (1–5) a conversion rate falls in; 0 when there is no rate. */
export function conversionBand(rate: number | null): number {
  if (rate === null) return 0;
  for (let i = conversionBands.length - 1; i > 0; i--) if (rate >= conversionBands[i]!.min) return conversionBands[i]!.band;
  return conversionBands[0].band;
}
