import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { trpcClient } from '../testing/signIn';

/** A refusal the client receives, with what the errorFormatter put in its data. */
async function refusal(p: Promise<unknown>): Promise<{ message: string; data: { code: string; messageRef: unknown; issues: unknown } }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) return e as never;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('server messages by stable code (issue 18): the English for logs and scripts, the code and params for the client to word', () => {
  let w: HttpWorld;
  let journeyId: string;
  beforeAll(async () => {
    w = await anHttpWorld(Date.UTC(2026, 10, 2));
    ({ id: journeyId } = await w.trpc.journeys.create.mutate({ name: 'J' }));
  }, 60_000);
  afterAll(() => w?.close());

  it("a service's refusal carries its code and params beside its English message", async () => {
    const e = await refusal(w.trpc.journeys.get.query({ id: 'nope' }));
    expect(e.data.code).toBe('NOT_FOUND');
    expect(e.message).toBe('journey "nope" does not exist');
    expect(e.data.messageRef).toEqual({ code: 'not_found', params: { what: 'journey', id: 'nope' } });
  });

  it('a refusal with numbers keeps them as numbers (the catalogue pluralises on them)', async () => {
    const e = await refusal(w.trpc.workspace.setLinkHosts.mutate({ hosts: ['http://bad host/'] }));
    expect(e.data.messageRef).toEqual({ code: 'link_host_invalid', params: { index: 0, host: 'http://bad host/' } });
    expect(e.message).toMatch(/^hosts\.0: "http:\/\/bad host\/" is not a host name/);
  });

  it('the sign-in check refuses by code too', async () => {
    const anonymous = trpcClient(w.server.url, '');
    const e = await refusal(anonymous.journeys.list.query());
    expect(e.data.code).toBe('UNAUTHORIZED');
    expect(e.message).toBe('sign in first: POST /auth/sign-in');
    expect(e.data.messageRef).toEqual({ code: 'sign_in_first', params: {} });
  });

  it("an input that fails its schema sends each issue's zod code and params", async () => {
    const e = await refusal(w.trpc.journeys.rename.mutate({ id: journeyId, name: 'x'.repeat(121) }));
    expect(e.data.messageRef).toBeNull();
    expect(e.data.issues).toEqual([{ path: 'name', message: 'name is longer than 120 characters', code: 'too_big', params: { origin: 'string', limit: 120, inclusive: 'yes' } }]);
  });
});
