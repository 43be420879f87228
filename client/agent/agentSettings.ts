import type { Translate } from '../i18n/useT';

/** The bounds agentTasks.setAgent holds (server/trpc/routers/agentTasks.ts): a team name's length and a day's calls. */
export const teamMax = 60;
export const capacityMax = 500;

/**
 * What is wrong with a team and daily capacity as typed, in the reader's
 * language, or null: the form says so before the server would refuse it.
 */
export function agentSettingsProblem(t: Translate, team: string, capacity: number): string | null {
  const name = team.trim();
  if (!name) return t('agent.staff.teamRequired');
  if (name.length > teamMax) return t('agent.staff.teamTooLong', { max: teamMax });
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > capacityMax) return t('agent.staff.capacityRange', { max: capacityMax });
  return null;
}
