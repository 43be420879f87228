import type { TemplateDraft } from '../../shared/templates/draft';
import type { Translate } from '../i18n/useT';
import { msg } from '../i18n/messageIds';
import type { z } from 'zod';
import { zodIssueText } from '../i18n/serverText';

type Issue = z.core.$ZodIssue;

const fieldNames: Record<string, string> = {
  key: msg('draft.field.key'),
  name: msg('draft.field.name'),
  description: msg('draft.field.description'),
  category: msg('draft.field.category'),
  locale: msg('draft.field.locale'),
  locales: msg('draft.field.locales'),
  variants: msg('draft.field.variants'),
  weight: msg('draft.field.weight'),
};
const partNames: Record<string, string> = {
  body: msg('draft.part.body'),
  title: msg('draft.part.title'),
  script: msg('draft.part.script'),
  subject: msg('draft.part.subject'),
  html: msg('draft.part.html'),
  json: msg('draft.part.json'),
};

/**
 * The draft's shape problems as the editor shows them: by the field's name on
 * the page ("Variant B body (en): …", "Key: …"), never as a schema path or
 * JSON. A new template lists none until its first edit: an empty form is not
 * a mistake yet. The reason is worded by its zod code (a custom check's own words stay as written).
 */
export function draftProblems(t: Translate, draft: TemplateDraft, issues: readonly Issue[], edited: boolean): string[] {
  if (!edited) return [];
  const field = (f: string) => (fieldNames[f] ? t(fieldNames[f]) : f);
  const part = (p: string) => (partNames[p] ? t(partNames[p]) : p);
  return issues.map((i) => {
    const [head, index, sub, p, lang] = i.path.map(String);
    if (head === 'variants' && index !== undefined) {
      const variant = draft.variants[Number(index)]?.key.toUpperCase() ?? String(Number(index) + 1);
      const where =
        sub === 'parts' && p
          ? t('draft.variantPart', { variant, part: part(p) })
          : sub === 'locales' && p
            ? t('draft.variantLocale', { variant, part: lang ? part(lang) : '', locale: p })
            : sub
              ? t('draft.variantField', { variant, field: field(sub) })
              : t('draft.variant', { variant });
      return `${where}: ${zodIssueText(t, i)}`;
    }
    return head ? `${field(head)}: ${zodIssueText(t, i)}` : zodIssueText(t, i);
  });
}
