/**
 * What the server says when it refuses, by stable code (issue 18). Each code's
 * English, worded from its params, is the error's own message (for logs and
 * API users); the code and the params travel to the client in the tRPC
 * error's `data.messageRef` (server/trpc/init.ts), and the client words them
 * from its catalogue (client/i18n/serverText.ts, ids `server.<code>`).
 * One place per code: a refusal is written as `refuse(status, code, params)`.
 */
export type ServerMessageParams = Record<string, string | number>;

/** What a `not_found` names (the catalogue selects on it). */
export type Missing = 'journey' | 'contact' | 'template' | 'test_send' | 'test_contact' | 'user' | 'segment' | 'backtest' | 'approval_request' | 'node';
const missingWords: Record<Missing, string> = {
  journey: 'journey',
  contact: 'contact',
  template: 'template',
  test_send: 'test send',
  test_contact: 'test contact',
  user: 'user',
  segment: 'segment',
  backtest: 'backtest',
  approval_request: 'approval request',
  node: 'node',
};

/** The purposes a draft's compile problems block ('draft_problems'). */
export type DraftPurpose = 'publish' | 'trace' | 'backtest' | 'forecast';
const purposeWords: Record<DraftPurpose, string> = { publish: 'before publishing', trace: 'before a trace', backtest: 'before a backtest', forecast: 'for a forecast' };

/** Why a pending approval request can no longer be approved. */
type Staleness = { reason: 'gone' | 'draft_changed' | 'template_newer'; base: string };
const staleWords = (p: Staleness): string =>
  p.reason === 'gone'
    ? 'the object no longer exists'
    : p.reason === 'draft_changed'
      ? 'the draft changed after this request was made; request again'
      : `the template has a newer version than ${p.base}; request again`;

const testList = "(Settings → Test contacts): a test goes only to the team's own phones and inboxes";

/** code → its English from its params */
export const serverMessages = {
  not_found: (p: { what: Missing; id: string }) => `${missingWords[p.what]} "${p.id}" does not exist`,
  sign_in_first: () => 'sign in first: POST /auth/sign-in',
  needs_role: (p: { path: string; role: string }) => `${p.path} needs the ${p.role} role`,
  dev_only: () => 'dev procedures exist only with CLOCK=fake',
  invalid_field: (p: { field: string; detail: string }) => `${p.field}: ${p.detail}`,
  // test contacts and test sends
  test_contact_phone_taken: (p: { phone: string; name: string }) => `the phone ${p.phone} is already a test contact (${p.name})`,
  test_contact_email_taken: (p: { email: string; name: string }) => `the email ${p.email} is already a test contact (${p.name})`,
  not_on_test_list: (p: { address: string }) => `${p.address} is not on the workspace's test list ${testList}`,
  node_not_in_draft: (p: { node: string }) => `node "${p.node}" is not in the journey's draft`,
  not_a_send_node: (p: { node: string }) => `"${p.node}" is not a send node: only a message can be sent as a test`,
  send_without_template: (p: { node: string }) => `"${p.node}" has no template yet: choose one first`,
  no_test_for_channel: (p: { channel: string }) => `a ${p.channel} message has no test send: tests go to a test contact's phone (SMS, robo-call) or email`,
  test_contact_lacks_address: (p: { name: string; field: 'phone' | 'email'; channel: string }) =>
    `${p.name} has no ${p.field === 'phone' ? 'phone number' : 'email address'} for a test ${p.channel}: add one in Settings → Test contacts`,
  template_not_rendered: (p: { contact: string; detail: string }) => `the template did not render for ${p.contact}: ${p.detail}`,
  // journeys
  draft_problems: (p: { count: number; purpose: DraftPurpose }) => `the draft has ${p.count} problem(s); fix them ${purposeWords[p.purpose]}`,
  journey_problems: (p: { name: string; count: number; purpose: DraftPurpose }) => `"${p.name}" has ${p.count} problem(s); fix them ${purposeWords[p.purpose]}`,
  journey_no_entry: () => 'the journey has no entry',
  /** a pause, resume or archive the journey's status refuses; `already` when it is in that state */
  journey_status: (p: { name: string; status: string; past: 'paused' | 'resumed' | 'archived'; already: 'yes' | 'no' }) =>
    `journey "${p.name}" ${p.already === 'yes' ? `is already ${p.past}` : `is ${p.status === 'draft' ? 'a draft' : p.status}; only a ${p.past === 'paused' ? 'live' : 'paused'} journey can be ${p.past}`}`,
  journey_archived_publish: (p: { name: string }) => `journey "${p.name}" is archived; an archived journey cannot be published again`,
  journey_archived_edit: (p: { name: string }) => `journey "${p.name}" is archived; it can no longer be edited`,
  journey_archived_draft: (p: { name: string }) => `journey "${p.name}" is archived; its draft can no longer be changed`,
  no_changes_since: (p: { version: number }) => `no changes since v${p.version}: the draft does what v${p.version} does`,
  blueprint_unknown: (p: { key: string; choices: string }) => `blueprint "${p.key}" does not exist; choose one of ${p.choices}`,
  journey_name_length: (p: { max: number; got: number }) => `a journey name needs 1 to ${p.max} characters (got ${p.got})`,
  journey_description_length: (p: { max: number; got: number }) => `a journey description has at most ${p.max} characters (got ${p.got})`,
  journey_no_engine_error: (p: { name: string }) => `journey "${p.name}" has no engine error to clear`,
  journey_no_version: (p: { name: string; version: number }) => `journey "${p.name}" has no version ${p.version}`,
  // live-version migration (server/services/migration.ts)
  migrate_not_live: (p: { name: string; status: string }) => `journey "${p.name}" is ${p.status === 'draft' ? 'a draft' : p.status}; only a live journey's contacts can be migrated`,
  migrate_one_version: (p: { name: string; count: number }) => `journey "${p.name}" has only ${p.count === 0 ? 'no' : 'one'} published version; publish a new version first`,
  migrate_from_live: (p: { name: string; version: number }) => `version ${p.version} is the live version of "${p.name}"; pick an older version to move contacts from`,
  migrate_unknown_node: (p: { field: 'from' | 'to'; node: string; from: string }) =>
    `cannot migrate: node "${p.node}" ${p.field === 'from' ? 'is not a node of the old version' : `(mapped from "${p.from}") is not a node of the new version`}`,
  // templates
  template_no_variant: (p: { key: string; variant: string; variants: string }) => `template "${p.key}" has no variant "${p.variant}" (it has ${p.variants})`,
  template_no_version: (p: { key: string; version: number; latest: number }) => `template "${p.key}" has no version ${p.version}; its versions are 1 to ${p.latest}`,
  template_transactional_admin_only: (p: { key: string }) =>
    `only an admin may mark template "${p.key}" transactional: transactional messages are not held by the contact caps. Save it as marketing, or ask an admin to mark it.`,
  template_channel_fixed: (p: { key: string; channel: string }) => `template "${p.key}" is a ${p.channel} template; its channel cannot change (create a new template instead)`,
  template_locale_required: (p: { name: string; locale: string; channel: string; languages: string }) =>
    `"${p.name}" has no ${p.locale} copy: ${p.channel === 'sms' ? 'SMS' : 'robo-call'} templates need copy in the workspace's language (${p.locale}); add it, as the template's own language or beside ${p.languages}`,
  template_errors: (p: { name: string; count: number; detail: string }) => `"${p.name}" has ${p.count} error(s): ${p.detail}`,
  preview_needs_source: () => 'preview needs a template key or a draft',
  template_no_locale: (p: { key: string; locale: string; languages: string }) => `template "${p.key}" has no ${p.locale} copy; its languages: ${p.languages}`,
  compare_two_versions: () => 'pick two different versions to compare',
  segment_rules_refused: (p: { detail: string }) => `segment rules refused: ${p.detail}`.slice(0, 1000),
  // users
  login_taken: (p: { login: string }) => `the login "${p.login}" is taken`,
  user_needs_role: () => 'give the user at least one role',
  last_admin: (p: { login: string }) => `"${p.login}" is the last active admin; make someone else an admin first`,
  wrong_password: () => 'the current password is wrong',
  wrong_login: () => 'wrong login or password',
  sign_in_locked: (p: { minutes: number }) => `too many failed sign-in attempts; try again in ${p.minutes} minute${p.minutes > 1 ? 's' : ''}`,
  account_deactivated: (p: { login: string }) => `the account "${p.login}" is deactivated; ask an admin`,
  // approvals
  request_already_decided: (p: { status: string }) => `this request was already ${p.status}`,
  own_request: () => 'you cannot approve or reject your own request; someone else with the approver role decides it',
  approver_role_needed: () => 'deciding a request needs the approver role',
  request_stale: (p: Staleness) => `this request is stale: ${staleWords(p)}`,
  /** not a refusal: the reason a request view shows beside its "stale" badge */
  stale_reason: (p: Staleness) => staleWords(p),
  requester_only_withdraw: () => 'only the requester can withdraw a request',
  // backtests
  backtest_days: () => 'from and to are days, YYYY-MM-DD',
  backtest_in_past: () => 'a backtest replays the past: the window must start before now',
  backtest_min_hour: () => 'the window must cover at least an hour',
  backtest_max_days: (p: { max: number }) => `a backtest covers at most ${p.max} days`,
  server_stopping: () => 'the server is stopping: start the backtest again once it is back',
  backtest_needs_file: () => 'a backtest copies the database file, and this server has none (an in-memory database)',
  backtest_busy: (p: { by: string }) => `a backtest is already running (started by ${p.by}); wait for it or cancel it`,
  backtest_ended: (p: { status: string }) => `the backtest has already ended (${p.status})`,
  // the CSV reader every import shares (server/ingest/csvImport.ts), and the exports (server/export/routes.ts)
  csv_empty: (p: { example: string }) => `the file is empty: expected a header row such as ${p.example}`,
  csv_header_unreadable: (p: { column: number }) => `the header row (line 1): column ${p.column} must not contain NUL (\\u0000) or a lone surrogate`,
  /** a malformed line: `problem` fields (expected/got), quote or other; `detail` is the parser's English */
  csv_bad_line: (p: { problem: 'fields' | 'quote' | 'other'; expected: number; got: number; detail: string }) => p.detail,
  contacts_csv_header: (p: { has: string }) => `the header row (line 1) must have a user_id column; it has: ${p.has || '(nothing)'}`,
  export_needs_role: (p: { what: 'audience' | 'outbox' }) =>
    p.what === 'audience' ? 'exporting an audience needs the analyst or operator role' : 'exporting the outbox needs the analyst role (the outbox is theirs)',
  // the call centre (server/agentTasks/)
  call_task_unknown: (p: { id: number }) => `call task ${p.id} does not exist`,
  call_task_not_on_desk: (p: { id: number; status: string }) => `call task ${p.id} is not on your desk (it is ${p.status})`,
  call_task_closed_meanwhile: (p: { id: number }) => `call task ${p.id} was closed meanwhile`,
  call_task_closed_already: (p: { id: number }) => `call task ${p.id} is closed already`,
  call_files_need_analyst: () => 'the call centre files hold phone numbers: they need the analyst role',
  cross_site_refused: () => 'cross-site request refused: send it from the app, or with the x-journeys-client header',
  call_outcomes_header: (p: { column: string; has: string }) => `the header row (line 1) must have a column named ${p.column}; it has: ${p.has || '(nothing)'}`,
  call_row_task_id_missing: () => 'task_id: is required',
  call_row_task_id_invalid: (p: { got: string }) => `task_id: "${p.got}" is not a task id (a whole number, as exported)`,
  call_row_outcome_missing: () => 'outcome: is required',
  call_row_outcome_invalid: (p: { got: string; choices: string }) => `outcome: "${p.got}" is not an outcome (${p.choices})`,
  call_row_note_long: (p: { max: number }) => `note: is longer than ${p.max} characters`,
  not_an_agent: (p: { login: string }) => `"${p.login}" does not have the agent role: give it the role first, then a team and a daily capacity`,
  // workspace
  grace_hours_range: (p: { got: number }) => `graceHours must be 0 to 720 (30 days), got ${p.got}`,
  link_hosts_max: (p: { max: number; got: number }) => `the link allow-list holds at most ${p.max} hosts, got ${p.got}`,
  link_host_invalid: (p: { index: number; host: string }) => `hosts.${p.index}: "${p.host}" is not a host name (write m.example.com, or *.example.com for its subdomains; no scheme, port or path)`,
  time_zone_invalid: (p: { tz: string }) => `"${p.tz}" is not an IANA time zone, e.g. Asia/Shanghai`,
  // analytics
  uplift_not_holdout_node: (p: { node: string }) => `node "${p.node}" is not a random split with a holdout arm`,
  uplift_no_holdout: (p: { journey: string }) => `journey "${p.journey}" has no random split with a holdout arm`,
  day_format: (p: { field: string; got: string }) => `${p.field} must be a day, YYYY-MM-DD (got ${p.got})`,
  from_after_to: () => 'from must not be after to',
  trend_max_days: (p: { max: number }) => `a trend covers at most ${p.max} days`,
} satisfies Record<string, (p: never) => string>;

export type ServerMessageCode = keyof typeof serverMessages;
export const serverMessageCodes = Object.keys(serverMessages) as ServerMessageCode[];
/** The params a code takes. */
export type ParamsOf<C extends ServerMessageCode> = Parameters<(typeof serverMessages)[C]>[0] extends undefined ? Record<string, never> : Parameters<(typeof serverMessages)[C]>[0];

/** A server message as data: what the client receives and words. */
export interface ServerMessage {
  code: ServerMessageCode;
  params: ServerMessageParams;
}

/** The English of a code with its params. */
export function serverMessageText<C extends ServerMessageCode>(code: C, params: ParamsOf<C>): string {
  return (serverMessages[code] as (p: ParamsOf<C>) => string)(params);
}

/** A list param (params are strings and numbers): the English and the catalogue both show it as is. */
export const listParam = (xs: readonly (string | number)[]): string => xs.join(', ');

/** Whether a value from the wire is a server message this build knows (an older or newer server's unknown code is not). */
export function isServerMessage(x: unknown): x is ServerMessage {
  if (typeof x !== 'object' || x === null) return false;
  const { code, params } = x as { code?: unknown; params?: unknown };
  return typeof code === 'string' && Object.hasOwn(serverMessages, code) && typeof params === 'object' && params !== null;
}
