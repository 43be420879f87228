import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/tempDir';
import { openDatabase } from '../db/client';
import { createWorkspaceService } from './workspace';
import { aTestWorld } from '../testing/harness';
import { linkCode } from '../templates/links';
import { sendOnEventGraph } from '../../shared/fixtures/builders';

describe('the workspace link secret', () => {
  const inDir = useTempDir('workspace-test');

  it('is 32 random bytes, kept across restarts, and filled in for a workspace from before it existed', () => {
    const path = inDir('w.db');
    let db = openDatabase(path);
    const first = createWorkspaceService(db, { now: 0 }).settings().linkSecret;
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    db.$client.close();
    db = openDatabase(path);
    expect(createWorkspaceService(db, { now: 0 }).settings().linkSecret).toBe(first);
    // an older database: the column came in empty
    db.$client.prepare(`update workspace set link_secret = ''`).run();
    const filled = createWorkspaceService(db, { now: 0 }).settings().linkSecret;
    expect(filled).not.toBe('');
    expect(filled).not.toBe(first);
    expect(db.$client.prepare('select link_secret s from workspace').get()).toEqual({ s: filled });
    db.$client.close();
    // another workspace gets its own
    const other = openDatabase(inDir('other.db'));
    expect(createWorkspaceService(other, { now: 0 }).settings().linkSecret).not.toBe(first);
    other.$client.close();
  });

  it('keys the codes printed in messages: they cannot be worked out from the message id and the rng seed', async () => {
    const w = aTestWorld(Date.UTC(2026, 10, 2, 4, 0));
    try {
      const { rngSeed, linkSecret } = w.services.workspace.settings();
      await w.publish(sendOnEventGraph(), 'Links');
      w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
      await w.caller.dev.advanceClock({ ms: 0 });
      const link = w.db.$client.prepare('select code, message_id from links').get() as { code: string; message_id: number };
      expect(link.code).toBe(linkCode(linkSecret, link.message_id, 0));
      expect(link.code).not.toBe(linkCode(`links:${rngSeed}`, link.message_id, 0));
      // and the workspace API never hands the secret out
      expect(JSON.stringify(await w.caller.workspace.get())).not.toContain(linkSecret);
    } finally {
      w.close();
    }
  });
});

describe('the workspace rng seed', () => {
  it('is random unless the first start names one, and a later start keeps what the first chose', () => {
    const a = openDatabase(':memory:');
    const b = openDatabase(':memory:');
    const c = openDatabase(':memory:');
    expect(createWorkspaceService(a, { now: 0, rngSeed: 20261102 }).settings().rngSeed).toBe(20261102);
    expect(createWorkspaceService(a, { now: 0, rngSeed: 7 }).settings().rngSeed).toBe(20261102);
    // two unnamed seeds agree by chance once in 2^32
    expect(createWorkspaceService(b, { now: 0 }).settings().rngSeed).not.toBe(createWorkspaceService(c, { now: 0 }).settings().rngSeed);
    for (const db of [a, b, c]) db.$client.close();
  });
});
