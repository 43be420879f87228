import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/tempDir';
import { openDatabase } from '../db/client';
import { createWorkspaceService } from './workspace';
import { aTestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
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

describe('unit prices', () => {
  it('are the defaults until an admin sets some; a channel left out keeps its default; they survive a restart and are audited', async () => {
    const w = aTestWorld();
    try {
      expect((await w.caller.workspace.get()).unitPrices).toEqual({ sms: 0.045, push: 0, voice: 0.12, email: 0.002, webhook: 0, agent_call: 3 });
      expect(await w.caller.workspace.setUnitPrices({ sms: 0.05, voice: 0.3 })).toEqual({ sms: 0.05, push: 0, voice: 0.3, email: 0.002, webhook: 0, agent_call: 3 });
      expect(createWorkspaceService(w.db, { now: 0 }).settings().unitPrices).toMatchObject({ sms: 0.05, voice: 0.3 });
      const { rows } = await w.caller.audit.list({ action: 'workspace.setUnitPrices' });
      expect(rows[0]).toMatchObject({ diff: { 'unitPrices.sms': [0.045, 0.05], 'unitPrices.voice': [0.12, 0.3] } });
    } finally {
      w.close();
    }
  });

  it('only an admin sets them, and a negative price is refused', async () => {
    const w = aTestWorld();
    try {
      const { caller: op } = w.as(['operator'], 'op');
      expect((await rejection(op.workspace.setUnitPrices({ sms: 1 }))).code).toBe('FORBIDDEN');
      expect((await rejection(w.caller.workspace.setUnitPrices({ sms: -1 }))).code).toBe('BAD_REQUEST');
      expect((await op.workspace.get()).unitPrices.sms).toBe(0.045);
    } finally {
      w.close();
    }
  });
});

describe('the default language', () => {
  it('is zh-CN for a new workspace; an admin changes it, it survives a restart and is audited', async () => {
    const w = aTestWorld();
    try {
      expect((await w.caller.workspace.get()).locale).toBe('zh-CN');
      expect(await w.caller.workspace.setLocale({ locale: 'en' })).toEqual({ locale: 'en' });
      expect(createWorkspaceService(w.db, { now: 0 }).settings().locale).toBe('en');
      const { rows } = await w.caller.audit.list({ action: 'workspace.setLocale' });
      expect(rows[0]).toMatchObject({ diff: { locale: ['zh-CN', 'en'] } });
    } finally {
      w.close();
    }
  });

  it('only an admin sets it, and only to a language the product speaks', async () => {
    const w = aTestWorld();
    try {
      const { caller: op } = w.as(['operator'], 'op');
      expect((await rejection(op.workspace.setLocale({ locale: 'en' }))).code).toBe('FORBIDDEN');
      expect((await rejection(w.caller.workspace.setLocale({ locale: 'fr' as 'en' }))).code).toBe('BAD_REQUEST');
      expect((await op.workspace.get()).locale).toBe('zh-CN');
    } finally {
      w.close();
    }
  });
});
