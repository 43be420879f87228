import { parseScalar } from '../inspector/SchemaForm';

/**
 * The sample contact copy is previewed for when no real one is picked: the
 * template page's preview and the journey inspector's both use it, so a
 * template reads the same wherever it is looked at (its variables filled in).
 */
export const sampleTraitsText = 'name: 林晓\nlimit: 20000\ndaily_rate: 0.3\nproduct: 橙子分期\npartner: 星河贷';

/** "name: 林\nlimit: 20000" → traits, typed like the inspector types them. */
export function parseSampleTraits(text: string): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out[k] = parseScalar(line.slice(i + 1).trim());
  }
  return out;
}

/** The sample contact's traits. */
export const sampleTraits = parseSampleTraits(sampleTraitsText);
