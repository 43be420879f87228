import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { move, moveAlong, moves, paths } from './moves';
import { canMove, messageStatuses, messageTransitions } from '../../shared/outbox/status';
import { rootDir } from '../build';

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'migrations' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

describe('the outbox owns message status', () => {
  it('every move the outbox makes is one the status table allows', () => {
    for (const [name, m] of Object.entries(moves)) for (const f of m.from) for (const t of m.to) expect(canMove(f, t), `${name}: ${f} → ${t}`).toBe(true);
  });

  it('every path the outbox takes in one statement goes hop by hop through moves the table allows', () => {
    for (const [name, p] of Object.entries(paths)) {
      expect(p.move.from).toEqual(p.hops.slice(0, 1));
      expect(p.move.to).toEqual(p.hops.slice(-1));
      for (let i = 1; i < p.hops.length; i++) expect(canMove(p.hops[i - 1] as never, p.hops[i] as never), `${name}: ${String(p.hops[i - 1])} → ${String(p.hops[i])}`).toBe(true);
    }
    // a queued message is never delivered without being sent
    expect(() => moveAlong(['queued', 'delivered'])).toThrow('queued → delivered is not an allowed transition');
  });

  it('the table names only known statuses, and a final status goes nowhere', () => {
    for (const [from, tos] of Object.entries(messageTransitions)) {
      expect(messageStatuses).toContain(from);
      for (const t of tos) expect(messageStatuses).toContain(t);
    }
    for (const s of ['delivered', 'failed', 'suppressed'] as const) expect(messageTransitions[s]).toEqual([]);
  });

  it('a move the table does not allow does not compile, and throws if forced', () => {
    // @ts-expect-error: a queued message cannot die without an attempt
    expect(() => move(['queued'], 'dead')).toThrow('queued → dead is not an allowed transition');
    // @ts-expect-error: a sent message is never sent again
    expect(() => move(['sent'], 'queued')).toThrow('sent → queued');
    // every `from` must allow every `to`: a sending message may be sent, a held one may not
    // @ts-expect-error: held → sent
    expect(() => move(['sending', 'held'], 'sent')).toThrow('held → sent');
  });

  it('no module outside server/outbox/ writes messages.status (the runner prepares the statements the outbox gives it)', () => {
    const writers = sources(join(rootDir, 'server'))
      .filter((p) => !relative(rootDir, p).startsWith('server/outbox/'))
      .filter((p) => {
        const text = readFileSync(p, 'utf8');
        return /update\s+messages\s+set\b[^`]*?\bstatus\s*=/i.test(text) || /insert\s+into\s+messages\b/i.test(text) || /\.(update|insert)\(\s*messages\s*\)/.test(text);
      })
      .map((p) => relative(rootDir, p));
    expect(writers).toEqual([]);
  });
});
