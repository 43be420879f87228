/**
 * An analyst exports a segment from the Contacts page (issue 19, "Audience
 * export"): the segment's members and only them, the chosen columns, full
 * phone numbers for a role that sees personal data, the row count as the
 * progress reads it, and a row in the audit log. An operator may export too,
 * with the phone numbers masked.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { postBatch, startApp, type App } from './harness';
import { stepsOfOneStory } from './story';

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ seed: 2027 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

const people = [
  ['exp-1', '周一', '+8613800001001', 'gold'],
  ['exp-2', '吴二', '+8613800001002', 'gold'],
  ['exp-3', '郑三', '+8613800001003', 'basic'],
  ['exp-4', '王四', '+8613800001004', 'gold'],
] as const;

/** Open the export form on the Contacts page, export `segment` with the default columns and `traits`, and read the file. */
async function exportSegment(segment: string, traits: string): Promise<{ rows: Record<string, string>[]; fileName: string }> {
  await page.goto(`${app.url}/contacts`);
  await page.getByText('Export an audience (CSV)').click();
  const form = page.getByRole('form', { name: 'Export an audience' });
  await form.getByLabel('Segment', { exact: true }).selectOption(segment);
  await form.getByLabel('Trait columns').fill(traits);
  const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Export CSV' }).click()]);
  await form.getByText(/^3 contacts exported to /).waitFor();
  const rows = parse<Record<string, string>>(readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, ''), { columns: true });
  return { rows, fileName: download.suggestedFilename() };
}

describe('an analyst exports a segment as CSV', () => {
  it('has contacts, three of them in the segment "Gold members"', async () => {
    await postBatch(
      app,
      people.map(([userId, name, phone, tier]) => ({ type: 'identify', userId, traits: { name, phone, tier } })),
    );
    await app.trpc.segments.save.mutate({ key: 'gold', name: 'Gold members', rules: { match: 'all', conditions: [{ type: 'trait', trait: 'tier', op: 'eq', value: 'gold' }] } });
  });

  it('exports the members with the chosen columns and full phone numbers, and the export is in the audit log', async () => {
    await app.signInAs(await app.addUser(['analyst'], 'analyst-zhou'));
    const { rows, fileName } = await exportSegment('gold', 'tier');
    expect(fileName).toMatch(/^gold.*\.csv$/);
    expect(rows.map((r) => [r.external_id, r.name, r.phone, r['trait:tier']])).toEqual([
      ['exp-1', '周一', '+8613800001001', 'gold'],
      ['exp-2', '吴二', '+8613800001002', 'gold'],
      ['exp-4', '王四', '+8613800001004', 'gold'],
    ]);
    const audit = app.server.db.$client.prepare(`select actor_login, action, object_id, diff from audit_events where action = 'audience.export'`).all() as {
      actor_login: string;
      action: string;
      object_id: string;
      diff: string;
    }[];
    expect(audit.map((a) => [a.actor_login, a.object_id, (JSON.parse(a.diff) as { rows: number; phonesMasked: boolean }).rows])).toEqual([['analyst-zhou', 'gold', 3]]);
    await app.screenshot('audience-export');
  });

  it('gives an operator the same rows with the phone numbers masked', async () => {
    await app.signInAs(await app.addUser(['operator'], 'operator-wu'));
    const { rows } = await exportSegment('gold', '');
    expect(rows.map((r) => r.external_id)).toEqual(['exp-1', 'exp-2', 'exp-4']);
    expect(rows.map((r) => r.phone)).toEqual(['+86138****1001', '+86138****1002', '+86138****1004']);
  });
});
