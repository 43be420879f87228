import { useMemo } from 'react';
import { isServerMessage, type ServerMessage, type ServerMessageCode } from '../../shared/i18n/serverMessages';
import { zodIssueParams, type IssueParams } from '../../shared/i18n/zodIssues';
import type { z } from 'zod';
import { msg } from './messageIds';
import type { IntlShape } from 'react-intl';
import { translator, useT, type Translate } from './useT';
import type { TemplateIssue } from '../../shared/templates/checks';
import { templateIssueText } from '../templates/issueText';

/** A `t`, or react-intl's IntlShape (a caller outside React may hold either). */
type Words = Translate | IntlShape;
const asT = (w: Words): Translate => (typeof w === 'function' ? w : translator(w));

/** One message per server message code; its ICU arguments are the code's params (shared/i18n/serverMessages.ts). */
const serverMessageIds = {
  not_found: msg('server.not_found'),
  sign_in_first: msg('server.sign_in_first'),
  needs_role: msg('server.needs_role'),
  dev_only: msg('server.dev_only'),
  invalid_field: msg('server.invalid_field'),
  test_contact_phone_taken: msg('server.test_contact_phone_taken'),
  test_contact_email_taken: msg('server.test_contact_email_taken'),
  not_on_test_list: msg('server.not_on_test_list'),
  node_not_in_draft: msg('server.node_not_in_draft'),
  not_a_send_node: msg('server.not_a_send_node'),
  send_without_template: msg('server.send_without_template'),
  no_test_for_channel: msg('server.no_test_for_channel'),
  test_contact_lacks_address: msg('server.test_contact_lacks_address'),
  template_not_rendered: msg('server.template_not_rendered'),
  draft_problems: msg('server.draft_problems'),
  journey_problems: msg('server.journey_problems'),
  journey_no_entry: msg('server.journey_no_entry'),
  journey_status: msg('server.journey_status'),
  journey_archived_publish: msg('server.journey_archived_publish'),
  journey_archived_edit: msg('server.journey_archived_edit'),
  journey_archived_draft: msg('server.journey_archived_draft'),
  no_changes_since: msg('server.no_changes_since'),
  blueprint_unknown: msg('server.blueprint_unknown'),
  journey_name_length: msg('server.journey_name_length'),
  journey_description_length: msg('server.journey_description_length'),
  journey_no_engine_error: msg('server.journey_no_engine_error'),
  journey_no_version: msg('server.journey_no_version'),
  migrate_not_live: msg('server.migrate_not_live'),
  migrate_one_version: msg('server.migrate_one_version'),
  migrate_from_live: msg('server.migrate_from_live'),
  migrate_unknown_node: msg('server.migrate_unknown_node'),
  template_no_variant: msg('server.template_no_variant'),
  template_no_version: msg('server.template_no_version'),
  template_transactional_admin_only: msg('server.template_transactional_admin_only'),
  template_channel_fixed: msg('server.template_channel_fixed'),
  template_locale_required: msg('server.template_locale_required'),
  template_errors: msg('server.template_errors'),
  preview_needs_source: msg('server.preview_needs_source'),
  template_no_locale: msg('server.template_no_locale'),
  compare_two_versions: msg('server.compare_two_versions'),
  segment_rules_refused: msg('server.segment_rules_refused'),
  login_taken: msg('server.login_taken'),
  user_needs_role: msg('server.user_needs_role'),
  last_admin: msg('server.last_admin'),
  wrong_password: msg('server.wrong_password'),
  wrong_login: msg('server.wrong_login'),
  sign_in_locked: msg('server.sign_in_locked'),
  account_deactivated: msg('server.account_deactivated'),
  request_already_decided: msg('server.request_already_decided'),
  own_request: msg('server.own_request'),
  approver_role_needed: msg('server.approver_role_needed'),
  request_stale: msg('server.request_stale'),
  stale_reason: msg('server.stale_reason'),
  requester_only_withdraw: msg('server.requester_only_withdraw'),
  backtest_days: msg('server.backtest_days'),
  backtest_in_past: msg('server.backtest_in_past'),
  backtest_min_hour: msg('server.backtest_min_hour'),
  backtest_max_days: msg('server.backtest_max_days'),
  server_stopping: msg('server.server_stopping'),
  backtest_needs_file: msg('server.backtest_needs_file'),
  backtest_busy: msg('server.backtest_busy'),
  backtest_ended: msg('server.backtest_ended'),
  csv_empty: msg('server.csv_empty'),
  csv_header_unreadable: msg('server.csv_header_unreadable'),
  csv_bad_line: msg('server.csv_bad_line'),
  contacts_csv_header: msg('server.contacts_csv_header'),
  export_needs_role: msg('server.export_needs_role'),
  call_task_unknown: msg('server.call_task_unknown'),
  call_task_not_on_desk: msg('server.call_task_not_on_desk'),
  call_task_closed_meanwhile: msg('server.call_task_closed_meanwhile'),
  call_task_closed_already: msg('server.call_task_closed_already'),
  call_files_need_analyst: msg('server.call_files_need_analyst'),
  cross_site_refused: msg('server.cross_site_refused'),
  call_outcomes_header: msg('server.call_outcomes_header'),
  call_row_task_id_missing: msg('server.call_row_task_id_missing'),
  call_row_task_id_invalid: msg('server.call_row_task_id_invalid'),
  call_row_outcome_missing: msg('server.call_row_outcome_missing'),
  call_row_outcome_invalid: msg('server.call_row_outcome_invalid'),
  call_row_note_long: msg('server.call_row_note_long'),
  not_an_agent: msg('server.not_an_agent'),
  grace_hours_range: msg('server.grace_hours_range'),
  link_hosts_max: msg('server.link_hosts_max'),
  link_host_invalid: msg('server.link_host_invalid'),
  time_zone_invalid: msg('server.time_zone_invalid'),
  uplift_not_holdout_node: msg('server.uplift_not_holdout_node'),
  uplift_no_holdout: msg('server.uplift_no_holdout'),
  day_format: msg('server.day_format'),
  from_after_to: msg('server.from_after_to'),
  trend_max_days: msg('server.trend_max_days'),
} satisfies Record<ServerMessageCode, string>;

/** One message per zod issue code the product's schemas raise; other codes keep their English. */
const issueIds: Record<string, string> = {
  too_small: msg('issue.too_small'),
  too_big: msg('issue.too_big'),
  invalid_type: msg('issue.invalid_type'),
  invalid_format: msg('issue.invalid_format'),
  invalid_value: msg('issue.invalid_value'),
  not_multiple_of: msg('issue.not_multiple_of'),
  unrecognized_keys: msg('issue.unrecognized_keys'),
};

/** A server message in the reader's language. */
export function serverMessageText(words: Words, m: ServerMessage): string {
  const t = asT(words);
  return t(serverMessageIds[m.code], m.params);
}

/** An issue as the server sends it (`data.issues`), or as a form check finds it. */
export interface WireIssue {
  path?: unknown;
  message?: unknown;
  code?: unknown;
  params?: unknown;
}

/**
 * One issue in the reader's language, without its path: a refinement that
 * names a server message code (`params.messageCode`) by it, a zod code by its
 * params, anything else (a custom check's own words) as sent.
 */
export function issueText(words: Words, issue: WireIssue | IssueParams): string {
  const t = asT(words);
  const params = typeof issue.params === 'object' && issue.params !== null ? (issue.params as Record<string, string | number>) : {};
  const ref = { code: params.messageCode, params };
  if (isServerMessage(ref)) return serverMessageText(t, ref);
  const id = typeof issue.code === 'string' && Object.hasOwn(issueIds, issue.code) ? issueIds[issue.code] : undefined;
  // a pattern's own words say what it wants; a generic "not of the expected form" would not
  const patterned = issue.code === 'invalid_format' && params.format === 'regex';
  if (id && !patterned) return t(id, params);
  return 'message' in issue ? String(issue.message) : '';
}

/** A zod issue the client found itself (a form's own check), in the reader's language. */
export function zodIssueText(words: Words, issue: z.core.$ZodIssue): string {
  const t = asT(words);
  return issueText(t, { ...zodIssueParams(issue), message: issue.message });
}

/**
 * A refusal as a person should read it, in the reader's language: by its
 * stable code and params when the server sent them (`data.messageRef`), else
 * by its schema issues (`data.issues`, each with its path), else the message
 * as sent (an older server's, or an error no refusal made, e.g. the network's).
 */
export function errorText(words: Words, error: { message: string; data?: unknown } | null | undefined): string {
  const t = asT(words);
  if (!error) return '';
  const data = typeof error.data === 'object' && error.data !== null ? (error.data as { messageRef?: unknown; issues?: unknown; details?: unknown }) : {};
  if (isServerMessage(data.messageRef)) return serverMessageText(t, withWordedDetail(t, data.messageRef, data.details));
  const issues = data.issues;
  if (Array.isArray(issues) && issues.length > 0) return (issues as WireIssue[]).map((i) => (i.path ? `${String(i.path)}: ${issueText(t, i)}` : issueText(t, i))).join('; ');
  return error.message;
}

/**
 * A template refused for its errors sends their English as `detail` and the
 * findings themselves as `details.issues`: the findings are worded here, each
 * by its code and params, in place of the English.
 */
function withWordedDetail(t: Translate, m: ServerMessage, details: unknown): ServerMessage {
  const issues = (details as { issues?: unknown } | null)?.issues;
  if (m.code !== 'template_errors' || !Array.isArray(issues)) return m;
  const errors = (issues as TemplateIssue[]).filter((i) => i.severity === 'error');
  return errors.length === 0 ? m : { ...m, params: { ...m.params, detail: errors.map((i) => templateIssueText(t, i)).join(' ') } };
}

/** `errorText` in the chosen locale. */
export function useErrorText(): (error: { message: string; data?: unknown } | null | undefined) => string {
  const t = useT();
  return useMemo(() => (error) => errorText(t, error), [t]);
}
