import { createTRPCClient, TRPCClientError, type TRPCClient, type TRPCLink } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '../../server/trpc/root';
import { RuleSet } from '../../shared/segments/rules';
import { librarySegments, libraryTemplates } from './library';
import { countCrowd, storyNow } from './crowd';
import { renderPart } from './renderCopy';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/**
 * The procedures stories call, answered from the fixtures. Typed by the
 * router itself: when a procedure's input or output changes, this file stops
 * compiling instead of the stories drifting from the app. Inputs arrive as
 * the client sent them (zod input types), so handlers parse what has defaults.
 */
export interface MockHandlers {
  'templates.list': (input: Inputs['templates']['list']) => Outputs['templates']['list'];
  'templates.preview': (input: Inputs['templates']['preview']) => Outputs['templates']['preview'];
  'segments.list': (input: Inputs['segments']['list']) => Outputs['segments']['list'];
  'segments.preview': (input: Inputs['segments']['preview']) => Outputs['segments']['preview'];
  'segments.save': (input: Inputs['segments']['save']) => Outputs['segments']['save'];
}
type MockPath = keyof MockHandlers;

export interface MockServerOptions {
  /** how long each answer takes, so loading states show; 0 answers on the next tick */
  latencyMs?: number;
  /** replace single procedures, e.g. to make one fail */
  handlers?: Partial<MockHandlers>;
}

/** Sample traits for previews: the contact the copy addresses. */
export const sampleTraits = { name: '王小明', limit: 20_000, daily_rate: 0.3 };

/** Handlers over the library fixtures; a segment saved in a story lives until the story unmounts. */
export function fixtureHandlers(): MockHandlers {
  const segments = new Map(librarySegments.map((s) => [s.key, { ...s, updatedAt: storyNow }]));
  return {
    'templates.list': () =>
      libraryTemplates.map((t) => ({
        key: t.key,
        channel: t.channel,
        name: t.name,
        description: t.description,
        category: t.category,
        locale: t.locale,
        locales: [...t.locales],
        variables: [...t.variables],
        variants: t.variants.map(({ key, name, weight }) => ({ key, name, weight })),
        version: 1,
        updatedAt: storyNow,
        updatedBy: 'library',
      })),
    'templates.preview': (input) => {
      const source = input.draft ?? libraryTemplates.find((t) => t.key === input.key);
      if (!source) throw new Error(`template "${input.key ?? ''}" does not exist`);
      const variants = source.variants.filter((v) => !input.variant || v.key === input.variant);
      if (variants.length === 0) throw new Error(`template "${source.key}" has no variant "${input.variant ?? ''}"`);
      const traits = { ...sampleTraits, ...input.traits };
      return {
        variants: variants.map((v) => {
          // the language asked for (the template's own by default), as the server renders it
          const locale = input.locale ?? source.locale;
          const copy = locale === source.locale ? v.parts : ((('locales' in v ? v.locales : undefined) as Partial<Record<string, Record<string, string>>> | undefined)?.[locale] ?? {});
          const parts = Object.fromEntries(Object.entries(copy).map(([part, src]) => [part, renderPart(src, traits, { channel: source.channel, variant: v.key })]));
          return { variant: v.key, locale, parts, chars: [...Object.values(parts).join('\n')].length, sms: null, push: null, error: null };
        }),
        issues: [],
      };
    },
    'segments.list': () => [...segments.values()].sort((a, b) => a.name.localeCompare(b.name)),
    'segments.preview': ({ rules, sample = 10 }) => {
      const r = countCrowd(RuleSet.parse(rules), sample);
      // the story crowd is small: always counted to the end within the server's time budget
      return {
        count: r.count,
        capped: false,
        scanned: r.scanned,
        sample: r.sample.map((c) => ({ id: c.id, externalId: c.externalId, traits: c.profile.traits, registeredAt: c.profile.registeredAt })),
      };
    },
    'segments.save': (input) => {
      const row = { key: input.key, name: input.name, description: input.description ?? '', rules: RuleSet.parse(input.rules), updatedAt: storyNow };
      segments.set(input.key, row);
      return row;
    },
  };
}

const isMockPath = (path: string, handlers: MockHandlers): path is MockPath => Object.hasOwn(handlers, path);

/**
 * A terminating link that answers from `handlers` in memory instead of over
 * HTTP (tRPC 11 custom link: `() => ({ op }) => observable(…)`).
 */
export function mockLink(handlers: MockHandlers, latencyMs: number): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        const timer = setTimeout(() => {
          const { path } = op;
          if (!isMockPath(path, handlers)) {
            observer.error(TRPCClientError.from(new Error(`Storybook's mock server does not answer "${path}"; add it to client/stories/mockTrpc.ts`)));
            return;
          }
          try {
            // the typed client built op.input from this procedure's own input type
            const handler = handlers[path] as (input: unknown) => unknown;
            observer.next({ result: { type: 'data', data: handler(op.input) } });
            observer.complete();
          } catch (e) {
            observer.error(TRPCClientError.from(e instanceof Error ? e : new Error(String(e))));
          }
        }, latencyMs);
        return () => clearTimeout(timer);
      });
}

/** A real tRPC client over the mock link: the app's hooks (useTRPC, queryOptions) run unchanged in stories. */
export function createMockTrpcClient(options: MockServerOptions = {}): TRPCClient<AppRouter> {
  const handlers: MockHandlers = { ...fixtureHandlers(), ...options.handlers };
  return createTRPCClient<AppRouter>({ links: [mockLink(handlers, options.latencyMs ?? 60)] });
}
