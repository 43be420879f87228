import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { uplift } from '../../shared/analytics/stats';
import { formatP, formatPoints, UpliftTable, type UpliftReport } from './UpliftPanel';
import { I18nProvider } from '../i18n/I18nProvider';

const report = (steps: UpliftReport['steps']): UpliftReport => ({
  journeyId: 'j',
  nodeId: 'holdout',
  against: 'holdout',
  percent: 5,
  windowDays: 7,
  treated: 9500,
  control: 500,
  excludedGlobalControl: 0,
  cost: 427.5,
  steps,
});

describe('uplift table', () => {
  it('shows each step with its rates, the uplift and its 95% interval, the p-value, incremental conversions and their cost', () => {
    const u = uplift({ x: 1900, n: 9500 }, { x: 50, n: 500 }, { cost: 427.5 });
    const html = renderToStaticMarkup(<UpliftTable report={report([{ event: 'app_login', label: 'logged in', ...u }])} />);
    expect(html).toContain('logged in');
    expect(html).toContain('20.0%');
    expect(html).toContain('10.0%');
    expect(html).toContain(`${formatPoints(u.absolute.estimate)}</strong>`);
    expect(html).toContain(`(${formatPoints(u.absolute.lo)} to ${formatPoints(u.absolute.hi)})`);
    expect(html).toContain('p &lt; 0.001');
    expect(html).toContain('950 incremental');
    expect(html).toContain('¥0.45 each');
    expect(html).toContain(`relative ${formatPoints(u.relative?.estimate ?? 0).replace(' pp', '%')}`);
    expect(html).not.toContain('Not enough data yet');
  });

  it('says how many of the global control group were left out of both arms', () => {
    const u = uplift({ x: 1900, n: 9500 }, { x: 50, n: 500 });
    const html = renderToStaticMarkup(<UpliftTable report={{ ...report([{ event: 'app_login', label: 'logged in', ...u }]), excludedGlobalControl: 1000 }} />);
    expect(html).toContain('1,000 in the global control group are left out of both arms.');
    expect(renderToStaticMarkup(<UpliftTable report={report([{ event: 'app_login', label: 'logged in', ...u }])} />)).not.toContain('global control group are left out');
  });

  it('says "not enough data yet" with the sample per arm when the interval cannot tell', () => {
    const u = uplift({ x: 30, n: 400 }, { x: 1, n: 20 });
    expect(u.enoughData).toBe(false);
    const html = renderToStaticMarkup(<UpliftTable report={report([{ event: 'loan_drawn', label: 'drawn', ...u }])} />);
    expect(html).toContain(`Not enough data yet: about ${(u.neededPerArm ?? 0).toLocaleString('en-US')} contacts per arm needed`);
  });

  it('formats differences in signed percentage points and p-values', () => {
    expect(formatPoints(0.0321)).toBe('+3.2 pp');
    expect(formatPoints(-0.05)).toBe('−5.0 pp');
    expect(formatP(0.01234)).toBe('p = 0.012');
    expect(formatP(null)).toBe('–');
  });

  it('reads in Chinese: the help, the step, the interval, the incremental conversions and the sample still needed', () => {
    const enough = uplift({ x: 1900, n: 9500 }, { x: 50, n: 500 }, { cost: 427.5 });
    const short = uplift({ x: 30, n: 400 }, { x: 1, n: 20 });
    const html = renderToStaticMarkup(
      <I18nProvider locale="zh-CN">
        <UpliftTable
          report={report([
            { event: 'app_login', label: 'logged in', ...enough },
            { event: 'loan_drawn', label: 'drawn', ...short },
          ])}
        />
      </I18nProvider>,
    );
    expect(html).toContain('实验组 9,500 人');
    expect(html).toContain('<th scope="row">登录</th>');
    expect(html).toContain('<th scope="row">提款</th>');
    expect(html).toContain(`（${formatPoints(enough.absolute.lo)} 至 ${formatPoints(enough.absolute.hi)}）`);
    expect(html).toContain('增量转化 950');
    expect(html).toContain('数据还不够：每组大约需要');
    expect(html).not.toMatch(/incremental|Not enough|treated vs/);
  });
});
