import { useContext, useMemo } from 'react';
import { createIntl, IntlContext, type IntlShape } from 'react-intl';
import { catalogues } from './catalogues';
import type { PrimitiveType } from 'intl-messageformat';

/** Values an ICU message takes: numbers and strings (plurals and selects read them). */
export type MessageValues = Record<string, PrimitiveType>;

/** t(id) or t(id, { n }): one message of the chosen locale's catalogue. Ids are static strings, so catalogue.test.ts finds them. */
export type Translate = (id: string, values?: MessageValues) => string;

/** A `t` over an IntlShape, for code outside React (pure helpers take it as a parameter). */
export function translator(intl: IntlShape): Translate {
  return (id, values) => intl.formatMessage({ id }, values);
}

let english: IntlShape | undefined;

/**
 * The IntlProvider's intl, or English outside one (the IntlProvider's own
 * default locale): a component rendered on its own, as a unit test renders
 * it, reads as before instead of throwing.
 */
export function useIntlOrEnglish(): IntlShape {
  const intl = useContext(IntlContext) as IntlShape | null;
  return intl ?? (english ??= createIntl({ locale: 'en', messages: catalogues.en }));
}

/** The `t` of the chosen locale. */
export function useT(): Translate {
  const intl = useIntlOrEnglish();
  // a new `t` exactly when the locale (and so intl) changes
  return useMemo(() => translator(intl), [intl]);
}
