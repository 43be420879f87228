import { msg } from '../i18n/messageIds';
import type { Translate } from '../i18n/useT';

/** What each audited object type is called (the audit log stores the type's id: `journey`, `clock`…). */
const objectMessages: Record<string, string> = {
  agent: msg('audit.object.agent'),
  agent_task: msg('audit.object.agent_task'),
  agent_tasks: msg('audit.object.agent_tasks'),
  approval: msg('audit.object.approval'),
  clock: msg('audit.object.clock'),
  dead_letters: msg('audit.object.dead_letters'),
  journey: msg('audit.object.journey'),
  outbox: msg('audit.object.outbox'),
  policy: msg('audit.object.policy'),
  segment: msg('audit.object.segment'),
  template: msg('audit.object.template'),
  user: msg('audit.object.user'),
  workspace: msg('audit.object.workspace'),
};

/** An audited object type in the reader's language; a type this build does not know, as stored. */
export const auditObjectText = (t: Translate, type: string): string => {
  const id = Object.hasOwn(objectMessages, type) ? objectMessages[type] : undefined;
  return id ? t(id) : type;
};
