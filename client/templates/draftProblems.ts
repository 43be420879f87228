import type { TemplateDraft } from '../../shared/templates/draft';

type Issue = { path: readonly PropertyKey[]; message: string };

const fieldNames: Record<string, string> = { key: 'Key', name: 'Name', description: 'Description', category: 'Category', locale: 'Language', locales: 'Also in', variants: 'Variants' };
const partNames: Record<string, string> = { body: 'body', title: 'title', script: 'call script', subject: 'subject', html: 'HTML body', json: 'JSON body' };

/**
 * The draft's shape problems as the editor shows them: by the field's name on
 * the page ("Variant B body (en): …", "Key: …"), never as a schema path or
 * JSON. A new template lists none until its first edit: an empty form is not
 * a mistake yet.
 */
export function draftProblems(draft: TemplateDraft, issues: readonly Issue[], edited: boolean): string[] {
  if (!edited) return [];
  return issues.map((i) => {
    const [head, index, sub, part, lang] = i.path.map(String);
    if (head === 'variants' && index !== undefined) {
      const v = draft.variants[Number(index)]?.key.toUpperCase() ?? String(Number(index) + 1);
      if (sub === 'parts' && part) return `Variant ${v} ${partNames[part] ?? part}: ${i.message}`;
      if (sub === 'locales' && part) return `Variant ${v}${lang ? ` ${partNames[lang] ?? lang}` : ''} (${part}): ${i.message}`;
      if (sub) return `Variant ${v} ${fieldNames[sub]?.toLowerCase() ?? sub}: ${i.message}`;
      return `Variant ${v}: ${i.message}`;
    }
    return head ? `${fieldNames[head] ?? head}: ${i.message}` : i.message;
  });
}
