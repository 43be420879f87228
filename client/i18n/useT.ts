import { useMemo } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { PrimitiveType } from 'intl-messageformat';

/** Values an ICU message takes: numbers and strings (plurals and selects read them). */
export type MessageValues = Record<string, PrimitiveType>;

/** t(id) or t(id, { n }): one message of the chosen locale's catalogue. Ids are static strings, so catalogue.test.ts finds them. */
export type Translate = (id: string, values?: MessageValues) => string;

/** A `t` over an IntlShape, for code outside React (pure helpers take it as a parameter). */
export function translator(intl: IntlShape): Translate {
  return (id, values) => intl.formatMessage({ id }, values);
}

/** The `t` of the chosen locale. */
export function useT(): Translate {
  const intl = useIntl();
  // a new `t` exactly when the locale (and so intl) changes
  return useMemo(() => translator(intl), [intl]);
}
