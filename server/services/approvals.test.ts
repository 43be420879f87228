import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
import { sendOnEventGraph, smsThenCallGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { TemplateDraft } from '../../shared/templates/draft';
import { copyChanges } from './approvals';

/** 12:00 in Shanghai */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
/** operator, approver, copywriter, and one who is both operator and approver */
let olga: TestWorld['caller'];
let anna: TestWorld['caller'];
let cora: TestWorld['caller'];
let oscar: TestWorld['caller'];

beforeEach(() => {
  w = aTestWorld(NOON_SH, { approvals: true });
  olga = w.as(['operator'], 'olga').caller;
  anna = w.as(['approver'], 'anna').caller;
  cora = w.as(['copywriter'], 'cora').caller;
  oscar = w.as(['operator', 'approver'], 'oscar').caller;
});
afterEach(() => w.close());

/** A journey with this draft, created and saved by the operator. */
async function aDraft(graph: JourneyGraph = smsThenCallGraph(), name = 'Recall'): Promise<string> {
  const { id } = await olga.journeys.create({ name });
  expect((await olga.journeys.saveDraft({ id, graph })).errors).toEqual([]);
  return id;
}

/** The request a publish filed (the test fails if it published instead). */
function requestOf(r: { version: number } | { request: { id: string } }): string {
  expect(r).toEqual({ request: { id: expect.any(String) } });
  return (r as { request: { id: string } }).request.id;
}

/** Live through the four-eyes path: the operator asks, the approver approves. */
async function aLiveJourney(graph: JourneyGraph, name = 'Live'): Promise<string> {
  const id = await aDraft(graph, name);
  await anna.approvals.approve({ id: requestOf(await olga.journeys.publish({ id })) });
  expect((await w.caller.journeys.get({ id })).status).toBe('live');
  return id;
}

const draftOf = async (key: string): Promise<TemplateDraft> => {
  const t = await w.caller.templates.get({ key });
  return { key: t.key, channel: t.channel, name: t.name, description: t.description, category: t.category, locale: t.locale as TemplateDraft['locale'], variants: t.variants };
};

/** recall_sms with variant b's body rewritten (still a valid marketing SMS). */
async function editedRecallSms(body = '{{default name "您好"}}，首借30天免息：{{link "https://m.orangecredit.example/offer"}} 回T退订') {
  const d = await draftOf('recall_sms');
  const before = d.variants[1]?.parts.body ?? '';
  d.variants = d.variants.map((v) => (v.key === 'b' ? { ...v, parts: { ...v.parts, body } } : v));
  return { draft: d, before, after: body };
}

describe('publishing a journey with four-eyes on', () => {
  it("an operator's publish files a request and publishes nothing; another user's approval publishes version 1 in the requester's name", async () => {
    const id = await aDraft();
    const requestId = requestOf(await olga.journeys.publish({ id }));
    let j = await w.caller.journeys.get({ id });
    expect(j.version).toBeNull();
    expect(j.versions).toEqual([]);
    expect(j.status).toBe('draft');
    expect(await anna.approvals.pendingCount()).toBe(1);

    const request = await anna.approvals.get({ id: requestId });
    expect(request).toMatchObject({ kind: 'journey.publish', objectType: 'journey', objectId: id, objectName: 'Recall', status: 'pending', stale: false, requestedBy: { displayName: 'olga' } });
    expect(request.changes).toEqual(['First version: everything goes live']);
    // the same as data, for the approver's language: the graphs compared and the summary's parts
    expect(request.graphs?.before).toBeNull();
    expect(request.summaryOf).toEqual({ kind: 'journey.publish', first: true, enrolNow: false, changes: expect.any(Array) });

    const approved = await anna.approvals.approve({ id: requestId, comment: 'looks right' });
    expect(approved).toMatchObject({ id: requestId, status: 'approved', result: { version: 1 } });
    j = await w.caller.journeys.get({ id });
    expect(j.version).toBe(1);
    expect(j.status).toBe('live');
    expect(j.versions[0]?.publishedBy).toBe('olga');
    expect(await anna.approvals.get({ id: requestId })).toMatchObject({ status: 'approved', decidedBy: { displayName: 'anna' }, comment: 'looks right', result: { version: 1 } });
    expect(await anna.approvals.pendingCount()).toBe(0);
  });

  it('a second request for a live journey shows what the draft changes against the running version', async () => {
    const graph = smsThenCallGraph();
    const id = await aLiveJourney(graph);
    const next = structuredClone(graph);
    next.nodes = next.nodes.map((n) => (n.id === 'wait' ? { ...n, config: { ...n.config, timeout: { amount: 2, unit: 'days' } } } : n));
    await olga.journeys.saveDraft({ id, graph: next });
    const r = await anna.approvals.get({ id: requestOf(await olga.journeys.publish({ id })) });
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.changes).toContainEqual(expect.stringMatching(/wait/i));
    expect(r.summary).not.toBe('first version');
  });

  it('asking again for the same change returns the open request, not a second one', async () => {
    const id = await aDraft();
    const first = requestOf(await olga.journeys.publish({ id }));
    expect(requestOf(await olga.journeys.publish({ id }))).toBe(first);
    expect(await w.caller.approvals.list({ status: 'pending' })).toHaveLength(1);
  });

  it('a draft with errors is refused at once, with no request filed', async () => {
    const { id } = await olga.journeys.create({ name: 'empty' });
    expect((await rejection(olga.journeys.publish({ id }))).code).toBe('BAD_REQUEST');
    expect(await w.caller.approvals.list({})).toEqual([]);
  });

  it('the requester cannot approve their own request, even holding the approver role', async () => {
    const { id } = await oscar.journeys.create({ name: 'mine' });
    await oscar.journeys.saveDraft({ id, graph: smsThenCallGraph() });
    const requestId = requestOf(await oscar.journeys.publish({ id }));
    const e = await rejection(oscar.approvals.approve({ id: requestId }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toContain('your own request');
    expect((await rejection(oscar.approvals.reject({ id: requestId, comment: 'no' }))).code).toBe('FORBIDDEN');
    expect((await w.caller.journeys.get({ id })).version).toBeNull();
    expect((await w.caller.approvals.get({ id: requestId })).status).toBe('pending');
  });

  it('an admin who asked cannot approve their own request either', async () => {
    const id = await aDraft();
    const requestId = requestOf(await w.caller.journeys.publish({ id }));
    expect((await rejection(w.caller.approvals.approve({ id: requestId }))).code).toBe('FORBIDDEN');
    await anna.approvals.approve({ id: requestId });
    expect((await w.caller.journeys.get({ id })).versions[0]?.publishedBy).toBe('tester');
  });

  it('an operator without the approver role is refused, naming the role', async () => {
    const id = await aDraft();
    const requestId = requestOf(await olga.journeys.publish({ id }));
    const other = w.as(['operator'], 'otto').caller;
    const e = await rejection(other.approvals.approve({ id: requestId }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toBe('approvals.approve needs the approver role');
    expect((await w.caller.journeys.get({ id })).version).toBeNull();
  });

  it('a request whose draft changed after it was made is stale: approving it is refused and publishes nothing', async () => {
    const graph = smsThenCallGraph();
    const id = await aDraft(graph);
    const requestId = requestOf(await olga.journeys.publish({ id }));
    const changed = structuredClone(graph);
    changed.nodes = changed.nodes.map((n) => (n.id === 'sms' ? { ...n, title: 'First SMS' } : n));
    await olga.journeys.saveDraft({ id, graph: changed });

    const view = await anna.approvals.get({ id: requestId });
    expect(view.stale).toBe(true);
    expect(view.staleReason).toContain('draft changed');
    // the same reason by its code, for the client to word in the reader's language
    expect(view.staleMessage).toEqual({ code: 'stale_reason', params: { reason: 'draft_changed', base: expect.any(String) } });
    const e = await rejection(anna.approvals.approve({ id: requestId }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('stale');
    expect((await w.caller.journeys.get({ id })).version).toBeNull();
    expect((await anna.approvals.get({ id: requestId })).status).toBe('pending');
    // asking again makes a fresh request that can be approved
    const again = requestOf(await olga.journeys.publish({ id }));
    expect(again).not.toBe(requestId);
    await anna.approvals.approve({ id: again });
    expect((await w.caller.journeys.get({ id })).version).toBe(1);
  });

  it('saving the same draft again does not make a request stale', async () => {
    const graph = smsThenCallGraph();
    const id = await aDraft(graph);
    const requestId = requestOf(await olga.journeys.publish({ id }));
    await olga.journeys.saveDraft({ id, graph });
    expect((await anna.approvals.get({ id: requestId })).stale).toBe(false);
    await anna.approvals.approve({ id: requestId });
    expect((await w.caller.journeys.get({ id })).version).toBe(1);
  });

  it('approval is atomic: when the change it performs is refused, the request stays pending', async () => {
    const id = await aDraft();
    const requestId = requestOf(await olga.journeys.publish({ id }));
    await olga.journeys.archive({ id });
    expect((await rejection(anna.approvals.approve({ id: requestId }))).code).toBe('CONFLICT');
    expect((await anna.approvals.get({ id: requestId })).status).toBe('pending');
    expect((await w.caller.journeys.get({ id })).versions).toEqual([]);
  });

  it('rejecting needs a comment, records it, and publishes nothing', async () => {
    const id = await aDraft();
    const requestId = requestOf(await olga.journeys.publish({ id }));
    const e = await rejection(anna.approvals.reject({ id: requestId, comment: '   ' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('say why in a comment');
    expect(await anna.approvals.reject({ id: requestId, comment: 'too many calls on day 3' })).toEqual({ id: requestId, status: 'rejected', result: null });
    expect(await anna.approvals.get({ id: requestId })).toMatchObject({ status: 'rejected', comment: 'too many calls on day 3', decidedBy: { displayName: 'anna' } });
    expect((await w.caller.journeys.get({ id })).version).toBeNull();
    const again = await rejection(anna.approvals.approve({ id: requestId }));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toContain('already rejected');
  });

  it('only the requester can withdraw a request; a withdrawn request cannot be approved', async () => {
    const id = await aDraft();
    const requestId = requestOf(await olga.journeys.publish({ id }));
    const e = await rejection(cora.approvals.withdraw({ id: requestId }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toContain('only the requester');
    expect((await rejection(anna.approvals.withdraw({ id: requestId }))).code).toBe('FORBIDDEN');
    expect(await olga.approvals.withdraw({ id: requestId })).toEqual({ id: requestId, status: 'withdrawn' });
    expect((await rejection(olga.approvals.withdraw({ id: requestId }))).code).toBe('CONFLICT');
    expect((await rejection(anna.approvals.approve({ id: requestId }))).code).toBe('CONFLICT');
    expect((await w.caller.journeys.get({ id })).version).toBeNull();
  });

  it('with four-eyes off, an operator publishes at once and gets { version }', async () => {
    await w.caller.workspace.setApprovals({ on: false });
    const id = await aDraft();
    expect(await olga.journeys.publish({ id })).toEqual({ version: 1 });
    expect((await w.caller.journeys.get({ id })).versions[0]?.publishedBy).toBe('olga');
    expect(await w.caller.approvals.list({})).toEqual([]);
  });

  it('a world made with approvals off publishes at once too', async () => {
    const off = aTestWorld(NOON_SH);
    try {
      const op = off.as(['operator'], 'op').caller;
      const { id } = await op.journeys.create({ name: 'x' });
      await op.journeys.saveDraft({ id, graph: smsThenCallGraph() });
      expect(await op.journeys.publish({ id })).toEqual({ version: 1 });
    } finally {
      off.close();
    }
  });
});

describe('emergency pause is never gated', () => {
  it('an operator pauses and resumes a live journey at once with four-eyes on, filing no request', async () => {
    const id = await aLiveJourney(sendOnEventGraph());
    const pending = await w.caller.approvals.pendingCount();
    const other = w.as(['operator'], 'night-shift').caller;
    await other.journeys.pause({ id });
    expect((await w.caller.journeys.get({ id })).status).toBe('paused');
    await other.journeys.resume({ id });
    expect((await w.caller.journeys.get({ id })).status).toBe('live');
    expect(await w.caller.approvals.pendingCount()).toBe(pending);
  });
});

describe('templates with four-eyes on', () => {
  it('a new version of a template a live journey sends becomes a request; approval makes it the current version', async () => {
    await aLiveJourney(sendOnEventGraph({ template: 'recall_sms' }));
    const { draft, before, after } = await editedRecallSms();
    const saved = await cora.templates.save({ draft });
    expect(saved).toMatchObject({ request: { id: expect.any(String) }, version: null, created: false });
    const requestId = (saved as { request: { id: string } }).request.id;
    expect((await w.caller.templates.get({ key: 'recall_sms' })).version).toBe(1);
    expect((await w.caller.templates.get({ key: 'recall_sms' })).variants[1]?.parts.body).toBe(before);

    const request = await anna.approvals.get({ id: requestId });
    expect(request).toMatchObject({ kind: 'template.version', objectType: 'template', objectId: 'recall_sms', requestedBy: { displayName: 'cora' }, summary: '1 change to the copy' });
    expect(request.changes).toEqual([{ variant: 'b', part: 'body', before, after }]);

    await anna.approvals.approve({ id: requestId });
    const t = await w.caller.templates.get({ key: 'recall_sms' });
    expect(t.version).toBe(2);
    expect(t.variants[1]?.parts.body).toBe(after);
    expect(t.versions[0]).toMatchObject({ version: 2, createdBy: 'cora' });
  });

  it('the service itself refuses a copywriter marking a template transactional, before any request is filed', async () => {
    await aLiveJourney(sendOnEventGraph({ template: 'recall_sms' }));
    const { draft } = await editedRecallSms();
    const { user } = w.as(['copywriter'], 'cody');
    // straight to the service, past any resolver: the rule holds for every caller
    expect(() => w.services.approvals.saveTemplate({ ...draft, category: 'transactional' }, user)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(await w.caller.approvals.pendingCount()).toBe(0);
    expect((await w.caller.templates.get({ key: 'recall_sms' })).category).toBe('marketing');
  });

  it('a template no live journey sends saves at once', async () => {
    await aLiveJourney(sendOnEventGraph({ template: 'recall_sms' }));
    const d = await draftOf('recall_call');
    const saved = await cora.templates.save({ draft: { ...d, description: 'reworded' } });
    expect(saved).toMatchObject({ version: 2, created: true });
    expect('request' in saved).toBe(false);
    expect((await w.caller.templates.get({ key: 'recall_call' })).description).toBe('reworded');
  });

  it('before any journey is live, recall_sms itself saves at once', async () => {
    await aDraft(sendOnEventGraph({ template: 'recall_sms' }));
    const { draft } = await editedRecallSms();
    expect(await cora.templates.save({ draft })).toMatchObject({ version: 2, created: true });
  });

  it('a paused journey still counts as sending the template', async () => {
    const id = await aLiveJourney(sendOnEventGraph({ template: 'recall_sms' }));
    await olga.journeys.pause({ id });
    const { draft } = await editedRecallSms();
    expect(await cora.templates.save({ draft })).toMatchObject({ request: { id: expect.any(String) } });
  });

  it('saving what is already current files no request', async () => {
    await aLiveJourney(sendOnEventGraph({ template: 'recall_sms' }));
    expect(await cora.templates.save({ draft: await draftOf('recall_sms') })).toMatchObject({ version: 1, created: false });
    expect(await w.caller.approvals.pendingCount()).toBe(0);
  });

  it('promoting an A/B winner becomes a request showing the weights; approval writes the new version', async () => {
    const r = await cora.templates.promote({ key: 'recall_sms', variant: 'b' });
    const requestId = requestOf(r);
    expect((await w.caller.templates.get({ key: 'recall_sms' })).version).toBe(1);
    const request = await anna.approvals.get({ id: requestId });
    expect(request).toMatchObject({ kind: 'template.promote', summary: 'promote variant b to 100%' });
    expect(request.changes).toEqual([
      { variant: 'a', part: 'weight', before: '50%', after: '0%' },
      { variant: 'b', part: 'weight', before: '50%', after: '100%' },
    ]);
    expect(await anna.approvals.approve({ id: requestId })).toMatchObject({ result: { version: 2 } });
    expect((await w.caller.templates.get({ key: 'recall_sms' })).variants.map((v) => [v.key, v.weight])).toEqual([
      ['a', 0],
      ['b', 100],
    ]);
    expect((await rejection(cora.templates.promote({ key: 'recall_sms', variant: 'z' }))).code).toBe('NOT_FOUND');
  });

  it('a template request is stale once the template has a newer version', async () => {
    await aLiveJourney(sendOnEventGraph({ template: 'recall_sms' }));
    const { draft } = await editedRecallSms();
    const edit = (await cora.templates.save({ draft })) as { request: { id: string } };
    const promote = requestOf(await cora.templates.promote({ key: 'recall_sms', variant: 'a' }));
    await anna.approvals.approve({ id: promote });
    expect((await anna.approvals.get({ id: edit.request.id })).staleReason).toContain('newer version than v1');
    const e = await rejection(anna.approvals.approve({ id: edit.request.id }));
    expect(e.code).toBe('CONFLICT');
    expect((await w.caller.templates.get({ key: 'recall_sms' })).version).toBe(2);
  });
});

describe('copyChanges', () => {
  it('lists each changed part per variant, new and removed variants against null, and weight changes', () => {
    const before = {
      variants: [
        { key: 'a', name: 'A', weight: 50, parts: { body: 'old a' } },
        { key: 'b', name: 'B', weight: 50, parts: { body: 'same' } },
      ],
    };
    const after = {
      variants: [
        { key: 'b', name: 'B', weight: 60, parts: { body: 'same' } },
        { key: 'c', name: 'C', weight: 40, parts: { body: 'new c' } },
      ],
    };
    expect(copyChanges(before, after)).toEqual([
      { variant: 'a', part: 'body', before: 'old a', after: null },
      { variant: 'b', part: 'weight', before: '50%', after: '60%' },
      { variant: 'c', part: 'body', before: null, after: 'new c' },
    ]);
    expect(copyChanges(null, { variants: [{ key: 'a', name: 'A', weight: 100, parts: { title: 't', body: 'b' } }] })).toEqual([
      { variant: 'a', part: 'title', before: null, after: 't' },
      { variant: 'a', part: 'body', before: null, after: 'b' },
    ]);
  });
});
