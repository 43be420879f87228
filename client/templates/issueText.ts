import { templateHelpers, type TemplateIssue } from '../../shared/templates/checks';
import type { Translate } from '../i18n/useT';
import { msg } from '../i18n/messageIds';

/**
 * A template check's finding in the reader's language, by its code and the
 * variable, helper or URL at fault (shared/templates/checks.ts words it in
 * English for the API). A syntax error quotes the parser's own words inside
 * the reader's sentence; a finding from an older server without params keeps
 * its English.
 */
export function templateIssueText(t: Translate, i: Pick<TemplateIssue, 'code' | 'message' | 'name' | 'defaulted' | 'params'>): string {
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
      return i.params?.detail === undefined ? i.message : t('tissue.syntax', { detail: i.params.detail });
    case 'link_target':
      return linkTargetText(t, i.params, i.name) ?? i.message;
    default:
      return i.message;
  }
}

/** A link target's fault, by its params; undefined when they are missing (an older server). */
function linkTargetText(t: Translate, p: Record<string, string> | undefined, name: string | undefined): string | undefined {
  switch (p?.fault) {
    case 'not_url':
      return t('tissue.link_target.not_url', { target: p.target ?? name ?? '' });
    case 'scheme':
      return t('tissue.link_target.scheme', { scheme: p.scheme ?? '' });
    case 'host':
      return t('tissue.link_target.host', { host: p.host ?? '', hosts: p.hosts ?? '' });
    case 'from_variable':
      return t('tissue.link_target.from_variable', { name: name ?? '' });
    case undefined:
    default:
      return undefined;
  }
}
