import { msg } from './messageIds';
import type { Translate } from './useT';

/** The reasons the engine itself gives a run for leaving; an exit node's own reason ("recalled") is the operator's words. */
const systemReasons: Record<string, string> = {
  holdout: msg('exit.reason.holdout'),
  loop_limit: msg('exit.reason.loop_limit'),
  port_unwired: msg('exit.reason.port_unwired'),
  node_missing: msg('exit.reason.node_missing'),
  no_wake_time: msg('exit.reason.no_wake_time'),
  contact_merged: msg('exit.reason.contact_merged'),
  contact_missing: msg('exit.reason.contact_missing'),
  version_missing: msg('exit.reason.version_missing'),
  journey_archived: msg('exit.reason.journey_archived'),
};

/** Why a run left, in words: the engine's codes ("exit_criteria:loan_drawn", "loop_limit") read as sentences; an exit node's reason as written. */
export function exitReasonText(t: Translate, reason: string): string {
  if (reason.startsWith('exit_criteria:')) return t('exit.reason.exit_criteria', { event: reason.slice('exit_criteria:'.length) });
  const id = systemReasons[reason];
  return id ? t(id) : reason;
}
