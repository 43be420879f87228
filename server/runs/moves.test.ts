import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertStepMove, runMove, runMoves } from './moves';
import { canMoveRun, canStepRun, enteredStatus, runStatuses, runTransitions } from '../../shared/journey/runStatus';
import { rootDir } from '../build';

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'migrations' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

/** Writes of `runs` or `node_gauges` in SQL text (insert, insert or …, update, update or …, delete, replace) or through drizzle. */
const writesRuns = (text: string): boolean =>
  /\b(insert(\s+or\s+\w+)?\s+into|replace\s+into|update(\s+or\s+\w+)?|delete\s+from)\s+(runs|node_gauges)\b/i.test(text) || /\.(insert|update|delete)\(\s*(runs|nodeGauges)\s*\)/.test(text);

describe('the run store owns runs', () => {
  it('every move the store makes in SQL is one the status table allows', () => {
    for (const [name, m] of Object.entries(runMoves)) for (const f of m.from) for (const t of m.to) expect(canMoveRun(f, t), `${name}: ${f} → ${t}`).toBe(true);
  });

  it('the table names only known statuses; a run enters active and leaves by exiting, and comes back only after it exited', () => {
    for (const [from, tos] of Object.entries(runTransitions)) {
      expect(runStatuses).toContain(from);
      for (const t of tos) expect(runStatuses).toContain(t);
    }
    expect(enteredStatus).toBe('active');
    expect(canMoveRun('exited', 'active')).toBe(true);
    // only a migration makes a waiting run active again (it enters a new version's node afresh), never a step
    expect(canMoveRun('waiting', 'active')).toBe(true);
    expect(canStepRun('waiting', 'active')).toBe(false);
    expect(canStepRun('active', 'active')).toBe(true);
    expect(canMoveRun('exited', 'waiting')).toBe(false);
    expect(canMoveRun('exited', 'exited')).toBe(false);
    for (const s of ['active', 'waiting'] as const) expect(canMoveRun(s, 'exited')).toBe(true);
  });

  it('a move the table does not allow does not compile, and throws if forced', () => {
    // @ts-expect-error: an exited run re-enters as active, never straight into a wait
    expect(() => runMove(['exited'], 'waiting')).toThrow('exited → waiting is not an allowed transition');
    // every `from` must allow every `to`: a run may exit from active or waiting, but an exited one may not exit again
    // @ts-expect-error: exited → exited
    expect(() => runMove(['active', 'exited'], 'exited')).toThrow('exited → exited');
    expect(runMove(['active', 'waiting'], 'exited').where('r')).toBe("r.status in ('active', 'waiting')");
  });

  it('a step’s outcome is checked against the table as the batch is written', () => {
    expect(() => assertStepMove('active', 'waiting', [1])).not.toThrow();
    expect(() => assertStepMove('waiting', 'exited', [1])).not.toThrow();
    expect(() => assertStepMove('waiting', 'active', [7, 8])).toThrow('a step moved run 7, 8 from waiting to active');
  });

  it('the scan finds every way of writing runs or their gauges', () => {
    for (const w of [
      'insert into runs (id) values (1)',
      'INSERT OR IGNORE INTO runs (id) values (1)',
      'update runs set wake_at = 1',
      'update or ignore runs set contact_id = 2',
      'delete from runs where id = 1',
      'replace into runs values (1)',
      'insert into node_gauges (version_id) values (1)',
      'update node_gauges set active = 0',
      'tx.update(runs).set({ wakeAt: 1 })',
      'db.insert(runs).values(x)',
      'db.delete(nodeGauges)',
    ])
      expect(writesRuns(w), w).toBe(true);
    for (const r of ['select id from runs where contact_id = ?', 'update messages set status = 1 where run_id in (select id from runs)', 'from runs r join messages m'])
      expect(writesRuns(r), r).toBe(false);
  });

  it('no module outside server/runs/ writes runs or node_gauges', () => {
    const writers = sources(join(rootDir, 'server'))
      .filter((p) => !relative(rootDir, p).startsWith('server/runs/'))
      .filter((p) => writesRuns(readFileSync(p, 'utf8')))
      .map((p) => relative(rootDir, p));
    expect(writers).toEqual([]);
  });
});
