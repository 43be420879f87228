import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from '../i18n/I18nProvider';
import type { Locale } from '../../shared/i18n/locales';
import { OutcomeReportView } from './OutcomeReportView';
import type { OutcomeReport } from './uploadOutcomes';

/** An import of three rows: one recorded, one with a made-up outcome, one for a task that is closed already. */
const report: OutcomeReport = {
  rows: 3,
  recorded: 1,
  bad: [
    {
      line: 3,
      field: 'outcome',
      error: 'outcome: "maybe" is not an outcome (reached, no_answer)',
      messageRef: { code: 'call_row_outcome_invalid', params: { got: 'maybe', choices: 'reached, no_answer' } },
    },
    { line: 4, field: 'task_id', error: 'task_id: call task 7 is closed already', messageRef: { code: 'call_task_closed_already', params: { id: 7 } } },
    { line: 5, field: null, error: 'a malformed line (an unclosed quote)' },
  ],
  errorsCsv: 'line,field,error\n3,outcome,"x"\n',
};
const render = (r: OutcomeReport, locale: Locale = 'en') =>
  renderToStaticMarkup(
    <I18nProvider locale={locale}>
      <OutcomeReportView report={r} />
    </I18nProvider>,
  );

describe('the outcome import report', () => {
  it('says how many outcomes were recorded and lists each refused row by its line, worded from its code', () => {
    const html = render(report);
    expect(html).toContain('Recorded 1 of 3 rows; 2 rows refused.');
    expect(html).toContain('aria-label="Refused rows"');
    expect(html).toContain('Line 3: outcome: “maybe” is not an outcome (reached, no_answer).');
    expect(html).toContain('Line 4: Call task 7 is closed already.');
    // a refusal without a code (the shared CSV reader's) keeps its English
    expect(html).toContain('Line 5: a malformed line (an unclosed quote)');
  });

  it('offers the error file of the refused rows to download', () => {
    const html = render(report);
    expect(html).toContain('download="outcomes.errors.csv"');
    expect(html).toContain(`href="data:text/csv;charset=utf-8,${encodeURIComponent('\uFEFFline,field,error\n3,outcome,"x"\n').replace(/&/g, '&amp;')}"`);
    expect(html).toContain('Download the error file');
  });

  it('reads in Chinese, refusals included', () => {
    const html = render(report, 'zh-CN');
    expect(html).toContain('已记录 3 行中的 1 行；2 行被拒绝。');
    expect(html).toContain('第 4 行：呼叫任务 7 已关闭。');
    expect(html).toContain('下载错误文件');
  });

  it('a clean file: no refused list and no error file', () => {
    const html = render({ rows: 2, recorded: 2, bad: [], errorsCsv: null });
    expect(html).toContain('Recorded 2 of 2 rows.');
    expect(html).not.toContain('Refused rows');
    expect(html).not.toContain('download=');
  });
});
