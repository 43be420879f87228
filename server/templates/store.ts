import type { Db } from '../db/client';
import type { Channel, MessageCategory } from '../../shared/journey/channels';
import type { StoredVariant } from '../db/schema';
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

interface VersionRow {
  id: number;
  template_key: string;
  version: number;
  channel: Channel;
  name: string;
  description: string;
  category: MessageCategory;
  locale: string;
  variables: string;
  variants: string;
  note: string;
  created_at: number;
  created_by: string;
}

const cols = `v.id, v.template_key, v.version, t.channel, v.name, v.description, v.category, v.locale, v.variables, v.variants, v.note, v.created_at, v.created_by`;
const toVersion = (r: VersionRow): TemplateVersion => ({
  id: r.id,
  key: r.template_key,
  version: r.version,
  channel: r.channel,
  name: r.name,
  description: r.description,
  category: r.category,
  locale: r.locale,
  variables: JSON.parse(r.variables) as string[],
  variants: JSON.parse(r.variants) as StoredVariant[],
  note: r.note,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/**
 * Message templates in the database, the source of truth once the library is
 * imported. Versions are immutable, so each is compiled once and kept; the
 * dispatcher asks for a template's current version on every batch and gets
 * the cached compilation back.
 */
export function createTemplateStore(db: Db) {
  const c = db.$client;
  const currentRow = c.prepare<[string], VersionRow>(`select ${cols} from templates t join template_versions v on v.template_key = t.key and v.version = t.current_version where t.key = ?`);
  const versionRow = c.prepare<[string, number], VersionRow>(`select ${cols} from templates t join template_versions v on v.template_key = t.key where t.key = ? and v.version = ?`);
  const byIdRow = c.prepare<[number], VersionRow>(`select ${cols} from template_versions v join templates t on t.key = v.template_key where v.id = ?`);
  const allCurrent = c.prepare<[], VersionRow>(`select ${cols} from templates t join template_versions v on v.template_key = t.key and v.version = t.current_version order by t.channel, t.key`);
  const history = c.prepare<[string], VersionRow>(`select ${cols} from templates t join template_versions v on v.template_key = t.key where t.key = ? order by v.version desc`);
  const insertTemplate = c.prepare('insert into templates (key, channel, current_version, created_at, updated_at, updated_by) values (?, ?, 1, ?, ?, ?)');
  const insertVersion = c.prepare<unknown[], { id: number }>(
    `insert into template_versions (template_key, version, name, description, category, locale, variables, variants, note, created_at, created_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const bumpCurrent = c.prepare('update templates set current_version = ?, updated_at = ?, updated_by = ? where key = ?');

  const compiled = new Map<number, CompiledVersion>();
  /** key → current version id; cleared for a key when it gets a new version */
  const currentId = new Map<string, number | null>();

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
    current(key: string): TemplateVersion | undefined {
      const r = currentRow.get(key);
      return r ? toVersion(r) : undefined;
    },
    version(key: string, version: number): TemplateVersion | undefined {
      const r = versionRow.get(key, version);
      return r ? toVersion(r) : undefined;
    },
    byId(id: number): TemplateVersion | undefined {
      const r = byIdRow.get(id);
      return r ? toVersion(r) : undefined;
    },
    /** Every template at its current version, by channel then key. */
    list: (): TemplateVersion[] => allCurrent.all().map(toVersion),
    /** Every version of `key`, newest first. */
    history: (key: string): TemplateVersion[] => history.all(key).map(toVersion),

    /** The current version compiled (cached: a version is compiled once per process). */
    compiledCurrent(key: string): CompiledVersion | undefined {
      let id = currentId.get(key);
      if (id === undefined) {
        const v = store.current(key);
        id = v ? compile(v).id : null;
        currentId.set(key, id);
      }
      if (id === null) return undefined;
      return compiled.get(id) ?? (() => {
        const v = store.byId(id);
        return v ? compile(v) : undefined;
      })();
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
        if (!prev) insertTemplate.run(next.key, next.channel, now, now, actor);
        const version = (prev?.version ?? 0) + 1;
        const { id } = insertVersion.get(
          next.key,
          version,
          next.name,
          next.description,
          next.category,
          next.locale,
          JSON.stringify(next.variables),
          JSON.stringify(next.variants),
          next.note,
          now,
          actor,
        ) as { id: number };
        if (prev) bumpCurrent.run(version, now, actor, next.key);
        currentId.delete(next.key);
        return { ...next, id, version, createdAt: now, createdBy: actor };
      })();
    },

    /** key → channel, for the compiler's reference checks. */
    channels(): Map<string, Channel> {
      return new Map(c.prepare<[], { key: string; channel: Channel }>('select key, channel from templates').all().map((r) => [r.key, r.channel]));
    },
  };
  return store;
}

export type TemplateStore = ReturnType<typeof createTemplateStore>;
