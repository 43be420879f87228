import type { Channel, MessageCategory } from '../../shared/journey/channels';
import { TemplateDraft, type DraftVariant } from '../../shared/templates/draft';
import { checkTemplate, type TemplateIssue } from '../../shared/templates/checks';
import { smsCostPer10k, smsStats } from '../../shared/templates/sms';
import { pushFit } from '../../shared/templates/push';
import type { LibraryTemplate } from '../library/loadLibrary';
import { templateVariables } from '../library/templateVariables';
import { compileVersion, renderVariant } from '../templates/render';
import { linkCode, shortUrl } from '../templates/links';
import type { TemplateStore, TemplateVersion } from '../templates/store';
import { notFound, refuse } from './errors';
import { listParam } from '../../shared/i18n/serverMessages';
import { hasRole, type Role } from '../../shared/auth/roles';

export interface TemplateSummary {
  key: string;
  channel: Channel;
  name: string;
  description: string;
  category: MessageCategory;
  /** the language of the default copy */
  locale: string;
  /** the other languages every variant has copy in */
  locales: string[];
  /** contact traits the copy reads, so a preview can ask for them */
  variables: string[];
  variants: { key: string; name: string; weight: number }[];
  version: number;
  updatedAt: number;
  updatedBy: string;
}

export interface PreviewInput {
  /** a stored template (its current version) … */
  key?: string | undefined;
  /** … or the editor's unsaved draft */
  draft?: TemplateDraft | undefined;
  /** one variant (default: every variant) */
  variant?: string | undefined;
  /** the language to render (default: the template's own) */
  locale?: string | undefined;
  /** render with this contact's traits and time zone */
  externalId?: string | undefined;
  /** sample traits; with `externalId` they override the contact's, for "what if" previews */
  traits?: Record<string, unknown> | undefined;
  /** price of one SMS part, for the cost per 10k sends */
  pricePerPart?: number | undefined;
}

export interface VariantPreview {
  variant: string;
  /** the language rendered */
  locale: string;
  /** part → rendered text */
  parts: Record<string, string>;
  /** code points of the parts joined by newlines: the body the outbox stores */
  chars: number;
  sms: (ReturnType<typeof smsStats> & { costPer10k: number | null }) | null;
  push: ReturnType<typeof pushFit> | null;
  /** why this variant did not render, if it did not */
  error: string | null;
}

export interface TemplateServiceDeps {
  store: TemplateStore;
  /** a contact by external id; throws NOT_FOUND naming it */
  contact: (externalId: string) => { externalId: string | null; traits: Record<string, unknown>; timezone: string };
  /** trait names contacts really have, for the unknown-variable check */
  knownTraits: () => string[];
  timezone: () => string;
  now: () => number;
  /** the origin tracked links point at: previews print links as long as the real ones, so lengths and SMS parts are true */
  publicUrl: () => string;
  /** hosts `{{link}}` may point at (the workspace's allow-list); default: any http(s) host */
  linkHosts?: () => readonly string[];
  /** the workspace's language: every SMS and robo-call template needs copy in it (most contacts read or hear it) */
  workspaceLocale?: () => string;
}

/** Channels whose copy must be in the workspace's language: a text or a call in a language the reader may not know costs money and complaints. */
const workspaceLanguageChannels: readonly Channel[] = ['sms', 'voice'];

const summary = (v: TemplateVersion, updatedAt = v.createdAt, updatedBy = v.createdBy): TemplateSummary => ({
  key: v.key,
  channel: v.channel,
  name: v.name,
  description: v.description,
  category: v.category,
  locale: v.locale,
  locales: Object.keys(v.variants[0]?.locales ?? {}),
  variables: [...v.variables],
  variants: v.variants.map(({ key, name, weight }) => ({ key, name, weight })),
  version: v.version,
  updatedAt,
  updatedBy,
});

/** The names a draft's copy reads, over every variant, language and part. */
const variablesOf = (variants: readonly DraftVariant[]): string[] => {
  const all = new Set<string>();
  for (const v of variants)
    for (const src of [...Object.values(v.parts), ...Object.values(v.locales ?? {}).flatMap((parts) => Object.values(parts ?? {}))])
      try {
        for (const n of templateVariables(src)) all.add(n);
      } catch {
        // a syntax error is reported by the checks
      }
  return [...all].sort();
};

/** What the copy may read besides contact traits. */
const builtinVariables = ['user_id', 'name', 'phone', 'email'];

/**
 * Message templates for copywriters: the database is the source of truth
 * (the library on disk is imported once), every save is a new immutable
 * version, static checks block a broken save, and previews render exactly
 * what the dispatcher would send.
 */
export function createTemplateService({ store, contact, knownTraits, timezone, now, publicUrl, linkHosts = () => [], workspaceLocale }: TemplateServiceDeps) {
  const known = () => [...new Set([...builtinVariables, ...knownTraits()])];

  const current = (key: string): TemplateVersion => {
    const v = store.current(key);
    if (!v) throw notFound('template', key);
    return v;
  };

  const service = {
    /** Library templates not in the database yet become version 1 (first start; new library files later). */
    importLibrary(library: readonly LibraryTemplate[], actor: string): number {
      let n = 0;
      for (const t of library) {
        if (store.current(t.key)) continue;
        store.append(
          {
            key: t.key,
            channel: t.channel,
            name: t.name,
            description: t.description,
            category: t.category,
            locale: t.locale,
            variables: [...t.variables],
            variants: t.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight, parts: { ...v.parts }, ...(v.locales ? { locales: structuredClone(v.locales) } : {}) })),
            note: 'imported from templates/messages',
          },
          now(),
          actor,
        );
        n++;
      }
      return n;
    },

    /** Every template at its current version, by channel then key. */
    list(): TemplateSummary[] {
      return store.list().map((v) => summary(v));
    },

    /** One template: its current version with the copy, and every version (newest first). */
    get(key: string) {
      const v = current(key);
      return {
        ...summary(v),
        variants: v.variants,
        versions: store
          .history(key)
          .map((h) => ({ version: h.version, note: h.note, createdAt: h.createdAt, createdBy: h.createdBy, variants: h.variants.map(({ key: k, weight }) => ({ key: k, weight })) })),
        knownVariables: known(),
      };
    },

    /** Variable names copy may read without a warning: built-ins and the traits recent contacts carry. */
    knownVariables: (): string[] => known(),

    /** Static checks on a draft (the editor runs the same shared checks as you type). */
    check(draft: TemplateDraft): TemplateIssue[] {
      return checkTemplate({ channel: draft.channel, category: draft.category, variants: draft.variants, knownVariables: known(), linkHosts: linkHosts() });
    },

    /**
     * Transactional messages are not held by the contact caps, so only an
     * admin marks a template transactional: a new one, or one that was
     * marketing. Keeping a transactional template so, or making one
     * marketing, is anyone's who may edit copy. Refused with FORBIDDEN.
     */
    assertMayCategorise(draft: Pick<TemplateDraft, 'key' | 'category'>, roles: readonly Role[]): void {
      if (draft.category !== 'transactional' || hasRole(roles, 'admin')) return;
      if (store.current(draft.key)?.category === 'transactional') return;
      throw refuse('FORBIDDEN', 'template_transactional_admin_only', { key: draft.key });
    },

    /**
     * Save a draft as the template's next version (the first creates the
     * template). Refused with the issues when a check fails with an error;
     * warnings are returned and do not block. Saving what is already current
     * writes nothing.
     */
    save(input: TemplateDraft, actor: string): { version: number; created: boolean; warnings: TemplateIssue[] } {
      const { prev, next, warnings, changed } = service.validate(input);
      if (prev && !changed) return { version: prev.version, created: false, warnings };
      const saved = store.append({ ...next, note: prev ? '' : 'created' }, now(), actor);
      return { version: saved.version, created: true, warnings };
    },

    /**
     * What `save` would write, checked: refused with the issues when a check
     * fails with an error; `changed` is false when it equals the current version.
     */
    validate(input: TemplateDraft) {
      const draft = TemplateDraft.parse(input);
      const prev = store.current(draft.key);
      if (prev && prev.channel !== draft.channel) throw refuse('BAD_REQUEST', 'template_channel_fixed', { key: draft.key, channel: prev.channel });
      const required = workspaceLocale?.();
      const languages = [draft.locale, ...new Set(draft.variants.flatMap((v) => Object.keys(v.locales ?? {})))];
      if (required && workspaceLanguageChannels.includes(draft.channel) && !languages.includes(required))
        throw refuse('BAD_REQUEST', 'template_locale_required', { name: draft.name, locale: required, channel: draft.channel, languages: listParam(languages) }, { locale: required });
      const issues = service.check(draft);
      const errors = issues.filter((i) => i.severity === 'error');
      if (errors.length) throw refuse('BAD_REQUEST', 'template_errors', { name: draft.name, count: errors.length, detail: errors.map((e) => e.message).join('; ') }, { issues });
      const warnings = issues.filter((i) => i.severity === 'warning');
      const next = {
        key: draft.key,
        channel: draft.channel,
        name: draft.name,
        description: draft.description,
        category: draft.category,
        locale: draft.locale,
        variables: variablesOf(draft.variants),
        variants: draft.variants,
      };
      return { draft, prev, next, warnings, changed: !prev || !sameContent(prev, next) };
    },

    /** Write a new version where `variant` gets 100% (the others stay, at 0%, so their stats remain readable). */
    promote(key: string, variant: string, actor: string): { version: number } {
      const v = current(key);
      if (!v.variants.some((x) => x.key === variant)) throw refuse('NOT_FOUND', 'template_no_variant', { key, variant, variants: listParam(v.variants.map((x) => x.key)) });
      const saved = store.append({ ...v, variants: v.variants.map((x) => ({ ...x, weight: x.key === variant ? 100 : 0 })), note: `promoted variant ${variant} to 100%` }, now(), actor);
      return { version: saved.version };
    },

    /** Render a stored template or a draft, variant by variant, for a contact or sample traits, with its length and cost. */
    preview(input: PreviewInput): { variants: VariantPreview[]; issues: TemplateIssue[] } {
      const draft = input.draft ? TemplateDraft.parse(input.draft) : null;
      const source = draft ?? (input.key ? current(input.key) : null);
      if (!source) throw refuse('BAD_REQUEST', 'preview_needs_source', {});
      const variants = input.variant ? source.variants.filter((v) => v.key === input.variant) : source.variants;
      if (input.variant && variants.length === 0)
        throw refuse('NOT_FOUND', 'template_no_variant', { key: source.key, variant: input.variant, variants: listParam(source.variants.map((v) => `"${v.key}"`)) });
      const locale = input.locale ?? source.locale;
      const languages = [source.locale, ...Object.keys(source.variants[0]?.locales ?? {})];
      if (!languages.includes(locale)) throw refuse('BAD_REQUEST', 'template_no_locale', { key: source.key, locale, languages: listParam(languages) });
      const who = input.externalId === undefined ? null : contact(input.externalId);
      // the dispatcher addresses the contact by user_id unless a trait says otherwise; so does the preview
      const traits = { ...(who ? { user_id: who.externalId, ...who.traits } : {}), ...input.traits };
      const tz = who?.timezone ?? timezone();
      const issues = checkTemplate({ channel: source.channel, category: source.category, variants: source.variants, knownVariables: known(), linkHosts: linkHosts() });
      const out = variants.map((v): VariantPreview => {
        let parts: Record<string, string> = {};
        let error: string | null = null;
        try {
          const compiled = compileVersion({ id: 0, key: source.key, version: 0, channel: source.channel, category: source.category, locale: source.locale, variants: [v] });
          let n = 0;
          // a stand-in short link of a real one's length (the reader sees /l/<code>, not the long URL)
          const link = () => shortUrl(publicUrl(), linkCode('preview', 1_000_000 + n, n++));
          parts = renderVariant(compiled, v.key, { traits, timezone: tz, utm: { source: source.channel, campaign: 'preview', content: v.key, term: 'preview' }, link }, locale);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        const text = Object.values(parts).join('\n');
        const sms = source.channel === 'sms' ? smsStats(parts.body ?? '') : null;
        return {
          variant: v.key,
          locale,
          parts,
          chars: [...text].length,
          sms: sms ? { ...sms, costPer10k: input.pricePerPart === undefined ? null : smsCostPer10k(sms.parts, input.pricePerPart) } : null,
          push: source.channel === 'push' ? pushFit(parts.title ?? '', parts.body ?? '') : null,
          error,
        };
      });
      return { variants: out, issues };
    },
  };
  return service;
}

function sameContent(a: Omit<TemplateVersion, 'id' | 'version' | 'createdAt' | 'createdBy' | 'note'>, b: typeof a): boolean {
  const sorted = (parts: Record<string, string> | undefined) => Object.entries(parts ?? {}).sort();
  const norm = (x: typeof a) =>
    JSON.stringify([
      x.name,
      x.description,
      x.category,
      x.locale,
      x.variants.map((v) => [
        v.key,
        v.name,
        v.weight,
        sorted(v.parts),
        Object.entries(v.locales ?? {})
          .sort()
          .map(([l, parts]) => [l, sorted(parts)]),
      ]),
    ]);
  return norm(a) === norm(b);
}

export type TemplateService = ReturnType<typeof createTemplateService>;
