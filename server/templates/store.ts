import type { Db } from '../db/client';
import type { Channel, MessageCategory } from '../../shared/journey/channels';
import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import { templates, templateVersions, type StoredVariant } from '../db/schema';
import { compileVersion, type CompiledVersion } from './render';

/** A template version as stored: immutable once written. */
export interface TemplateVersion {
  id: number;
  key: string;
  version: number;
  channel: Channel;
  name: string;
  description: string;
  category: MessageCategory;
  locale: string;
  variables: string[];
  variants: StoredVariant[];
  note: string;
  createdAt: number;
  createdBy: string;
}

/** What a new version holds (the key's channel is fixed when the template is created). */
export type NewVersion = Omit<TemplateVersion, 'id' | 'version' | 'createdAt' | 'createdBy'>;

/** A version row joined with its template's channel: exactly the fields of `TemplateVersion`. */
const { id: versionId, templateKey, version: versionNumber, ...content } = getTableColumns(templateVersions);
const versionFields = { id: versionId, key: templateKey, version: versionNumber, channel: templates.channel, ...content };

/**
 * Message templates in the database, the source of truth once the library is
 * imported. Versions are immutable, so each is compiled once and kept; the
 * dispatcher asks for a template's current version on every batch and gets
 * the cached compilation back.
 */
export function createTemplateStore(db: Db) {
  const c = db.$client;
  const key = sql.placeholder('key');
  const versions = () => db.select(versionFields).from(templateVersions).innerJoin(templates, eq(templates.key, templateVersions.templateKey));
  const currentRow = versions()
    .where(and(eq(templates.key, key), eq(templateVersions.version, templates.currentVersion)))
    .prepare();
  const versionRow = versions()
    .where(and(eq(templates.key, key), eq(templateVersions.version, sql.placeholder('version'))))
    .prepare();
  const byIdRow = versions()
    .where(eq(templateVersions.id, sql.placeholder('id')))
    .prepare();
  const allCurrent = versions().where(eq(templateVersions.version, templates.currentVersion)).orderBy(asc(templates.channel), asc(templates.key)).prepare();
  const history = versions().where(eq(templates.key, key)).orderBy(desc(templateVersions.version)).prepare();

  const compiled = new Map<number, CompiledVersion>();
  /** key → current version id; cleared for a key when it gets a new version */
  const currentId = new Map<string, number | null>();
  const channelRows = c.prepare<[], { key: string; channel: Channel }>('select key, channel from templates');

  const compile = (v: TemplateVersion): CompiledVersion => {
    let cv = compiled.get(v.id);
    if (!cv) {
      cv = compileVersion(v);
      compiled.set(v.id, cv);
    }
    return cv;
  };

  const store = {
    /** The current version of `key`, or undefined when no such template exists. */
    current: (key: string): TemplateVersion | undefined => currentRow.get({ key }),
    version: (key: string, version: number): TemplateVersion | undefined => versionRow.get({ key, version }),
    byId: (id: number): TemplateVersion | undefined => byIdRow.get({ id }),
    /** Every template at its current version, by channel then key. */
    list: (): TemplateVersion[] => allCurrent.all(),
    /** Every version of `key`, newest first. */
    history: (key: string): TemplateVersion[] => history.all({ key }),

    /** The current version compiled (cached: a version is compiled once per process). */
    compiledCurrent(key: string): CompiledVersion | undefined {
      let id = currentId.get(key);
      if (id === undefined) {
        const v = store.current(key);
        id = v ? compile(v).id : null;
        currentId.set(key, id);
      }
      return id === null ? undefined : store.compiledVersion(id);
    },
    compiledVersion(id: number): CompiledVersion | undefined {
      const hit = compiled.get(id);
      if (hit) return hit;
      const v = store.byId(id);
      return v ? compile(v) : undefined;
    },

    /** Write the next version of `key` (its first creates the template) and make it current. Returns it. */
    append(next: NewVersion, now: number, actor: string): TemplateVersion {
      return c.transaction(() => {
        const prev = store.current(next.key);
        if (!prev) db.insert(templates).values({ key: next.key, channel: next.channel, currentVersion: 1, createdAt: now, updatedAt: now, updatedBy: actor }).run();
        const version = (prev?.version ?? 0) + 1;
        const { key, name, description, category, locale, variables, variants, note } = next;
        const { id } = db
          .insert(templateVersions)
          .values({ templateKey: key, version, name, description, category, locale, variables, variants, note, createdAt: now, createdBy: actor })
          .returning({ id: templateVersions.id })
          .get();
        if (prev) db.update(templates).set({ currentVersion: version, updatedAt: now, updatedBy: actor }).where(eq(templates.key, next.key)).run();
        currentId.delete(next.key);
        return { ...next, id, version, createdAt: now, createdBy: actor };
      })();
    },

    /** Forget which version is current (another connection wrote one): the next send reads it again. */
    forgetCurrent(): void {
      currentId.clear();
    },

    /** key → channel, for the compiler's reference checks (journeys.list asks for it on every call: one statement, prepared once). */
    channels(): Map<string, Channel> {
      return new Map(channelRows.all().map((r) => [r.key, r.channel]));
    },
  };
  return store;
}

export type TemplateStore = ReturnType<typeof createTemplateStore>;
