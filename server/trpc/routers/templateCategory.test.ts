import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import type { TemplateDraft } from '../../../shared/templates/draft';

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld();
});
afterEach(() => w.close());

const draftOf = async (key: string): Promise<TemplateDraft> => {
  const t = await w.caller.templates.get({ key });
  return { key: t.key, channel: t.channel, name: t.name, description: t.description, category: t.category, locale: t.locale as TemplateDraft['locale'], variants: t.variants };
};
const categoryOf = async (key: string) => (await w.caller.templates.get({ key })).category;

describe('transactional is a property of the template, and only an admin marks it', () => {
  it('a copywriter may not mark a marketing template transactional: FORBIDDEN, saying why, and nothing is written', async () => {
    const copywriter = w.as(['copywriter']).caller;
    const d = { ...(await draftOf('recall_sms')), category: 'transactional' as const };
    const e = await rejection(copywriter.templates.save({ draft: d }));
    expect(e).toMatchObject({
      code: 'FORBIDDEN',
      message: 'only an admin may mark template "recall_sms" transactional: transactional messages are not held by the contact caps. Save it as marketing, or ask an admin to mark it.',
    });
    expect(await categoryOf('recall_sms')).toBe('marketing');
    expect((await w.caller.templates.get({ key: 'recall_sms' })).version).toBe(1);
  });

  it('nor create a template that is transactional from the start', async () => {
    const d = { ...(await draftOf('repay_sms_d3')), key: 'my_reminder' };
    expect(d.category).toBe('transactional');
    expect(await rejection(w.as(['copywriter']).caller.templates.save({ draft: d }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await rejection(w.caller.templates.get({ key: 'my_reminder' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an admin may; a copywriter may then edit its copy (keeping it transactional) or make it marketing again', async () => {
    const d = await draftOf('recall_sms');
    expect(await w.caller.templates.save({ draft: { ...d, category: 'transactional' } })).toMatchObject({ version: 2, created: true });
    expect(await categoryOf('recall_sms')).toBe('transactional');

    const copywriter = w.as(['copywriter']).caller;
    const kept = await draftOf('recall_sms');
    kept.name = 'Recall SMS (renamed)';
    expect(await copywriter.templates.save({ draft: kept })).toMatchObject({ version: 3 });
    expect(await copywriter.templates.save({ draft: { ...kept, category: 'marketing' } })).toMatchObject({ version: 4 });
    expect(await categoryOf('recall_sms')).toBe('marketing');
    // and once marketing, it is the admin's to mark again
    expect(await rejection(copywriter.templates.save({ draft: { ...kept, category: 'transactional' } }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
