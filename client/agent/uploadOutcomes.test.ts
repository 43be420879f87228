import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIntl } from 'react-intl';
import { catalogues } from '../i18n/catalogues';
import { errorText } from '../i18n/serverText';
import { uploadOutcomes } from './uploadOutcomes';
import { downloadCsv } from '../export/downloadAudience';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const zh = createIntl({ locale: 'zh-CN', messages: catalogues['zh-CN'] });

afterEach(() => vi.unstubAllGlobals());

/** The error a promise rejects with (a resolve fails the test). */
async function rejection(p: Promise<unknown>): Promise<Error & { data?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { data?: unknown };
  }
  throw new Error('expected a rejection');
}

describe('uploading an outcomes file', () => {
  it('posts the file as CSV from the app to /agent-tasks/outcomes.csv and resolves with the report', async () => {
    const report = { rows: 2, recorded: 1, bad: [{ line: 3, field: 'task_id', error: 'task_id: call task 9 does not exist' }], errorsCsv: 'line,field,error\n' };
    const fetch = vi.fn(() => Promise.resolve(json(200, report)));
    vi.stubGlobal('fetch', fetch);
    const file = new Blob(['task_id,outcome\n1,reached\n9,reached\n'], { type: 'text/csv' });
    expect(await uploadOutcomes(file)).toEqual(report);
    const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe('/agent-tasks/outcomes.csv');
    expect(init).toMatchObject({ method: 'POST', body: file, headers: { 'content-type': 'text/csv', 'x-journeys-client': 'web' } });
  });

  it('a file refused whole rejects with the refusal, which the client words from its code', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        json(400, { error: 'the header row (line 1) must have a column named outcome; it has: task_id', messageRef: { code: 'call_outcomes_header', params: { column: 'outcome', has: 'task_id' } } }),
      ),
    );
    const e = await rejection(uploadOutcomes(new Blob(['task_id\n1\n'])));
    expect(e.message).toBe('the header row (line 1) must have a column named outcome; it has: task_id');
    expect(errorText(zh, e)).toBe('表头（第 1 行）须有名为 outcome 的列；现有列：task_id。');
  });

  it('an answer that is not JSON names its status', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('bad gateway', { status: 502 })));
    await expect(uploadOutcomes(new Blob(['x']))).rejects.toThrow('import failed (502)');
  });
});

describe('a refused export', () => {
  it('keeps the refusal code, so the call-centre export is refused in the reader language', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(json(403, { error: 'the call centre files hold phone numbers: they need the analyst role', messageRef: { code: 'call_files_need_analyst', params: {} } })),
    );
    const e = await rejection(downloadCsv('/agent-tasks/export.csv', { team: 'default', limit: 5 }, new AbortController().signal, () => undefined, 'calls.csv'));
    expect(e.message).toBe('the call centre files hold phone numbers: they need the analyst role');
    expect(errorText(zh, e)).toBe('呼叫中心文件含有手机号：需要分析师角色。');
  });

  it("keeps a refused hand-over's schema issues, worded by their zod code", async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        json(400, {
          error: 'limit: limit must be at least 1',
          field: 'limit',
          messageRef: null,
          issues: [{ path: 'limit', message: 'limit must be at least 1', code: 'too_small', params: { origin: 'number', limit: 1, inclusive: 'yes' } }],
        }),
      ),
    );
    const e = await rejection(downloadCsv('/agent-tasks/export.csv', { team: 'default', limit: 0 }, new AbortController().signal, () => undefined, 'calls.csv'));
    expect(errorText(zh, e)).toMatch(/^limit: .*1/);
    expect(errorText(zh, e)).not.toContain('must be');
  });
});
