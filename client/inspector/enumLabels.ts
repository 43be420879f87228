import { msg } from '../i18n/messageIds';
import type { Translate } from '../i18n/useT';
import { humanize } from './jsonSchema';

/**
 * The words for the values the registry's schemas enumerate (units, schedules,
 * operators, weekdays, re-entry policies, condition types) and for the
 * properties that pick a union's member. A value not listed here is shown
 * humanized, as before.
 */
const enumMessages: Record<string, string> = {
  minutes: msg('enum.minutes'),
  hours: msg('enum.hours'),
  days: msg('enum.days'),
  once: msg('enum.once'),
  hour: msg('enum.hour'),
  day: msg('enum.day'),
  week: msg('enum.week'),
  newest_first: msg('enum.newest_first'),
  oldest_first: msg('enum.oldest_first'),
  wait: msg('enum.wait'),
  skip: msg('enum.skip'),
  all: msg('enum.all'),
  any: msg('enum.any'),
  eq: msg('enum.eq'),
  neq: msg('enum.neq'),
  gt: msg('enum.gt'),
  gte: msg('enum.gte'),
  lt: msg('enum.lt'),
  lte: msg('enum.lte'),
  contains: msg('enum.contains'),
  in: msg('enum.in'),
  exists: msg('enum.exists'),
  not_exists: msg('enum.not_exists'),
  mon: msg('enum.mon'),
  tue: msg('enum.tue'),
  wed: msg('enum.wed'),
  thu: msg('enum.thu'),
  fri: msg('enum.fri'),
  sat: msg('enum.sat'),
  sun: msg('enum.sun'),
  never: msg('enum.never'),
  after_exit: msg('enum.after_exit'),
  after_days: msg('enum.after_days'),
  trait: msg('enum.trait'),
  event: msg('enum.event'),
  registered: msg('enum.registered'),
  exclude: msg('enum.exclude'),
  include: msg('enum.include'),
  policy: msg('enum.policy'),
  type: msg('enum.type'),
};

/** A value of an enum (or a union's discriminator) in the reader's language; `fallback` (else the value humanized) when it has no message. */
export function enumLabel(t: Translate, value: string, fallback?: string): string {
  const id = Object.hasOwn(enumMessages, value) ? enumMessages[value] : undefined;
  return id ? t(id) : (fallback ?? humanize(value));
}
