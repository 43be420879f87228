import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { translatorFor } from '../i18n/testing';
import { I18nProvider } from '../i18n/I18nProvider';
import { agentSettingsProblem } from './agentSettings';
import { QueueTable, type TeamQueue } from './QueueTable';

describe("an agent's team and daily capacity as the admin types them", () => {
  const t = translatorFor('en');
  it('names what is wrong: the team, its length, the capacity', () => {
    expect(agentSettingsProblem(t, 'north', 12)).toBeNull();
    expect(agentSettingsProblem(t, 'north', 0)).toBeNull();
    expect(agentSettingsProblem(t, '  ', 12)).toBe('Name the team.');
    expect(agentSettingsProblem(t, 'x'.repeat(61), 12)).toBe('A team name is at most 60 characters.');
    expect(agentSettingsProblem(t, 'north', 501)).toBe('The daily capacity is a whole number from 0 to 500.');
    expect(agentSettingsProblem(t, 'north', 2.5)).toBe('The daily capacity is a whole number from 0 to 500.');
    expect(agentSettingsProblem(t, 'north', Number.NaN)).toBe('The daily capacity is a whole number from 0 to 500.');
    expect(agentSettingsProblem(translatorFor('zh-CN'), '', 1)).toBe('请填写团队名称。');
  });
});

describe('the queue table', () => {
  it("shows each team's waiting calls and those beyond today's capacity", () => {
    const queues: TeamQueue[] = [{ team: 'north', agents: 1, capacity: 2, claimedToday: 1, closedToday: 1, open: 4, claimed: 0, beyondCapacity: 3 }];
    const html = renderToStaticMarkup(
      <I18nProvider locale="en">
        <QueueTable queues={queues} />
      </I18nProvider>,
    );
    expect(html).toContain('Beyond today&#x27;s capacity');
    expect(html).toContain('<th scope="row">north</th><td>4</td><td>3</td><td>1 of 2</td><td>1</td>');
    expect(renderToStaticMarkup(<QueueTable queues={[]} />)).toBe('');
  });
});
