import { useCallback } from 'react';
import type { IntlShape } from 'react-intl';
import { useIntlOrEnglish } from './useT';
import { kindDef, type NodeKind } from '../../shared/journey/registry';

/** A valid config's one-line summary in the reader's language: the kind's `summaryMessage`, else its English `summary`. */
export function kindSummary(intl: IntlShape, kind: NodeKind, config: Record<string, unknown>): string {
  const def = kindDef(kind);
  const m = def.summaryMessage?.(config) ?? null;
  return m ? intl.formatMessage({ id: m.messageKey }, m.values) : def.summary(config);
}

/** `kindSummary` in the chosen locale. */
export function useKindSummary(): (kind: NodeKind, config: Record<string, unknown>) => string {
  const intl = useIntlOrEnglish();
  return useCallback((kind, config) => kindSummary(intl, kind, config), [intl]);
}
