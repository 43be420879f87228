import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { signIn } from '../testing/signIn';
import { aGraph } from '../../shared/fixtures/builders';
import type { Role } from '../../shared/auth/roles';

const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const MINUTE = 60_000;

/** The outbox as the page pages it and as the CSV exports it: the same filter, the same rows, over real HTTP. */
describe('the outbox: pages with a total, filters, and the CSV of the filtered rows', () => {
  let w: HttpWorld;
  afterEach(() => w.close());
  const password = 'outbox-test-password';
  const userAs = async (role: Role): Promise<string> => {
    await w.trpc.users.create.mutate({ login: role, displayName: `The ${role}`, password, roles: [role] });
    return signIn(w.server.url, role, password);
  };

  /** 12 contacts: each gets an SMS, then a push a minute later */
  async function sendSome(): Promise<void> {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'ping' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms', whenCapped: 'skip' })
      .node('wait', 'wait.duration', { amount: 1, unit: 'minutes' })
      .node('push', 'send', { channel: 'push', template: 'idle_push', whenCapped: 'skip' })
      .node('done', 'exit', { reason: 'done' })
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'push')
      .then('push', 'done')
      .build();
    const { id } = await w.trpc.journeys.create.mutate({ name: 'Outbox test' });
    await w.trpc.journeys.saveDraft.mutate({ id, graph });
    await w.trpc.journeys.publish.mutate({ id });
    const ids = Array.from({ length: 12 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    expect(
      (
        await w.ingest('batch', {
          batch: [
            ...ids.map((userId, i) => ({ type: 'identify', userId, traits: { phone: `+86138${String(20_000_000 + i)}`, name: `N${i}` } })),
            ...ids.map((userId) => ({ type: 'track', userId, event: 'ping' })),
          ],
        })
      ).status,
    ).toBe(200);
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
    await w.trpc.dev.advanceClock.mutate({ ms: 2 * MINUTE });
  }

  it('pages newest first without a gap or a repeat, with the total, and filters by channel, template and time', async () => {
    w = await anHttpWorld(NOON_SH);
    await sendSome();
    const all = w.server.db.$client.prepare('select id, channel, template, created_at from messages order by id desc').all() as { id: number; channel: string; template: string; created_at: number }[];
    expect(all).toHaveLength(24);

    const seen: number[] = [];
    let before: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const p = await w.trpc.channels.outboxPage.query({ filter: {}, size: 5, cursor: before ?? null });
      expect(p).toMatchObject({ total: 24, totalCapped: false });
      seen.push(...p.rows.map((r) => r.id));
      if (p.next === null) break;
      before = p.next;
    }
    expect(seen).toEqual(all.map((m) => m.id));

    const push = await w.trpc.channels.outboxPage.query({ filter: { channel: 'push' }, size: 100 });
    expect(push.total).toBe(12);
    expect(push.rows.map((r) => r.id)).toEqual(all.filter((m) => m.channel === 'push').map((m) => m.id));
    expect((await w.trpc.channels.outboxPage.query({ filter: { template: 'recall_sms' } })).rows.every((r) => r.template === 'recall_sms')).toBe(true);
    // the SMS went at noon, the pushes a minute later: a window on the first minute holds only the SMS
    const firstMinute = await w.trpc.channels.outboxPage.query({ filter: { from: NOON_SH, to: NOON_SH + MINUTE } });
    expect(firstMinute.total).toBe(all.filter((m) => m.created_at >= NOON_SH && m.created_at < NOON_SH + MINUTE).length);
    expect(new Set(firstMinute.rows.map((r) => r.channel))).toEqual(new Set(['sms']));
    await expect(w.trpc.channels.outboxPage.query({ filter: { from: NOON_SH, to: NOON_SH } })).rejects.toThrow('from must be before to');
  });

  it('exports the filtered rows as CSV for an analyst, in the audit log; refuses an operator', async () => {
    w = await anHttpWorld(NOON_SH);
    await sendSome();
    const analyst = await userAs('analyst');
    const res = await fetch(`${w.server.url}/export/outbox.csv`, {
      method: 'POST',
      headers: { cookie: analyst, 'content-type': 'application/json', 'x-journeys-client': 'test' },
      body: JSON.stringify({ filter: { channel: 'sms' } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total-rows')).toBe('12');
    const csv: string[][] = parse(await res.text(), { bom: true });
    const [header, ...rows] = csv;
    expect(header?.slice(0, 7)).toEqual(['id', 'queued_at', 'journey_id', 'version', 'node_id', 'user_id', 'channel']);
    const page = await w.trpc.channels.outboxPage.query({ filter: { channel: 'sms' }, size: 100 });
    expect(rows.map((r) => Number(r[0]))).toEqual(page.rows.map((r) => r.id));
    expect(rows[0]?.[1]).toBe(new Date(page.rows[0]?.createdAt ?? 0).toISOString());
    expect(rows.every((r) => r[6] === 'sms')).toBe(true);
    expect((await w.trpc.audit.list.query({ action: 'outbox.export' })).rows[0]).toMatchObject({ actor: { login: 'analyst' }, diff: { filter: { channel: 'sms' }, rows: 12 } });

    const operator = await userAs('operator');
    const refused = await fetch(`${w.server.url}/export/outbox.csv`, { method: 'POST', headers: { cookie: operator, 'content-type': 'application/json', 'x-journeys-client': 'test' }, body: '{}' });
    expect(refused.status).toBe(403);
    const bad = await fetch(`${w.server.url}/export/outbox.csv`, {
      method: 'POST',
      headers: { cookie: analyst, 'content-type': 'application/json', 'x-journeys-client': 'test' },
      body: JSON.stringify({ filter: { channel: 'fax' } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^filter\.channel: /);
  });
});
