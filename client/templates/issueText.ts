import { templateHelpers, type TemplateIssue } from '../../shared/templates/checks';
import type { Translate } from '../i18n/useT';
import { msg } from '../i18n/messageIds';

/**
 * A template check's finding in the reader's language, by its code and the
 * variable, helper or URL at fault (shared/templates/checks.ts words it in
 * English for the API). A syntax error or a link target's problem keeps the
 * checker's own words: they quote the parser and the allow-list.
 */
export function templateIssueText(t: Translate, i: Pick<TemplateIssue, 'code' | 'message' | 'name' | 'defaulted'>): string {
  switch (i.code) {
    case 'unknown_variable':
      return i.name === undefined ? i.message : t(i.defaulted ? msg('tissue.unknown_variable.defaulted') : msg('tissue.unknown_variable'), { name: i.name });
    case 'unknown_helper':
      return i.name === undefined ? i.message : t('tissue.unknown_helper', { name: i.name, helpers: templateHelpers.join(', ') });
    case 'untracked_link':
      return i.name === undefined ? i.message : t('tissue.untracked_link', { url: i.name });
    case 'missing_opt_out':
      return t('tissue.missing_opt_out');
    case 'syntax':
    case 'link_target':
      return i.message;
    default:
      return i.message;
  }
}
