import { msg } from '../i18n/messageIds';
import type { Translate } from '../i18n/useT';

/** Message ids of the copy's parts (a part not listed is shown by its key). */
const partLabels: Record<string, string> = {
  body: msg('part.body'),
  title: msg('part.title'),
  script: msg('part.script'),
  subject: msg('part.subject'),
  html: msg('part.html'),
  json: msg('part.json'),
  /** not copy: a copy change that is a variant's weight */
  weight: msg('part.weight'),
};

/** A part of a template's copy (body, title…) in the reader's language. */
export const partText = (t: Translate, part: string): string => (Object.hasOwn(partLabels, part) && partLabels[part] ? t(partLabels[part]) : part);
