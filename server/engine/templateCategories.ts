import type { Db } from '../db/client';
import type { MessageCategory } from '../../shared/journey/channels';
import { JourneyFault } from '../../shared/journey/errors';

/** A template's category by key; throws a `JourneyFault` for a template that does not exist. */
export type CategoryOf = (template: string) => MessageCategory;

/**
 * The category of every template at its current version, as `step` asks for
 * it (an admin marks a template transactional; a send node cannot). Read
 * again only when the templates changed: a new version (versions are only
 * ever appended) or a template row touched, which one small query per batch
 * tells; the table itself holds tens of rows.
 */
export function createTemplateCategories(db: Db): () => CategoryOf {
  const c = db.$client;
  const changed = c.prepare<[], string>(`select coalesce((select max(id) from template_versions), 0) || ':' || coalesce((select max(updated_at) || ':' || count(*) from templates), '')`).pluck();
  const current = c.prepare<[], { key: string; category: MessageCategory }>(
    `select t.key, v.category from templates t join template_versions v on v.template_key = t.key and v.version = t.current_version`,
  );
  let seen: string | null = null;
  let lookup: CategoryOf = () => 'marketing';
  return () => {
    const token = changed.get() as string;
    if (token !== seen) {
      const byKey = new Map(current.all().map((r) => [r.key, r.category]));
      lookup = (template) => {
        const category = byKey.get(template);
        if (category === undefined) throw new JourneyFault(`template "${template}" does not exist`);
        return category;
      };
      seen = token;
    }
    return lookup;
  };
}
