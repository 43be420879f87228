import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { segments } from '../db/schema';
import type { Clock } from '../clock';
import { RuleSet, ruleSetIssues } from '../../shared/segments/rules';
import { ruleSetSql, ruleSqlIssues } from '../segments/ruleSql';
import { defaultPreviewBounds, scanPreview, type PreviewBounds, type PreviewCount } from '../segments/previewScan';
import { notFound, refuse } from './errors';

export interface SegmentInput {
  key: string;
  name: string;
  description?: string | undefined;
  rules: RuleSet;
}

/**
 * Segments: rules from shared/, counted and sampled in set-based SQL.
 * `bounds` limits what one preview may cost (tests pass a scripted timer).
 */
export function createSegmentService(db: Db, clock: Clock, bounds: Partial<PreviewBounds> = {}) {
  const previewBounds: PreviewBounds = { ...defaultPreviewBounds, ...bounds };
  const row = (key: string) => {
    const s = db.select().from(segments).where(eq(segments.key, key)).get();
    if (!s) throw notFound('segment', key);
    return s;
  };
  /**
   * The rules parsed and held to the limits (shared/segments/rules.ts), then
   * their SQL prepared: refused with each problem at its path, so the editor
   * can point at the condition. What passes here, segment entry can run.
   */
  const checked = (input: RuleSet, now: number): RuleSet => {
    const rules = RuleSet.parse(input);
    const shape = ruleSetIssues(rules);
    const issues = shape.length ? shape : ruleSqlIssues(db, rules, now);
    if (issues.length) {
      const located = issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw refuse('BAD_REQUEST', 'segment_rules_refused', { detail: located.map((i) => `${i.path}: ${i.message}`).join('; ') }, { issues: located });
    }
    return rules;
  };

  const keyRows = db.$client.prepare<[], string>('select key from segments').pluck();
  return {
    list: () => db.select().from(segments).orderBy(segments.name).all(),
    /** Every segment's key, for the compiler's reference checks (journeys.list asks on every call: one statement, prepared once). */
    keys: (): string[] => keyRows.all(),
    get: (key: string) => row(key),
    /** Create or replace a segment; refused (BAD_REQUEST, located issues) when its rules break a limit or SQLite cannot prepare them. */
    save(input: SegmentInput) {
      const now = clock.now();
      const rules = checked(input.rules, now);
      db.insert(segments)
        .values({ key: input.key, name: input.name, description: input.description ?? '', rules, updatedAt: now })
        .onConflictDoUpdate({ target: segments.key, set: { name: input.name, description: input.description ?? '', rules, updatedAt: now } })
        .run();
      return row(input.key);
    },
    /**
     * How many contacts match now, and a sample (at most `maxPreviewSample`) of the newest registrations;
     * refused as `save` refuses. Bounded in time: past the budget the count says `capped` and covers the
     * newest `scanned` contacts, so a rule that is slow over a million contacts cannot hold the API.
     */
    async preview(rules: RuleSet, sampleSize = 10): Promise<PreviewCount> {
      const now = clock.now();
      // async, so a refusal is a rejection like any other failure of the promise
      return await scanPreview(db, ruleSetSql(checked(rules, now), now), sampleSize, previewBounds);
    },
    /** Import library segments that are not in the database yet (first start). */
    importMissing(list: readonly SegmentInput[]): number {
      const now = clock.now();
      let n = 0;
      for (const s of list)
        n += db
          .insert(segments)
          .values({ key: s.key, name: s.name, description: s.description ?? '', rules: RuleSet.parse(s.rules), updatedAt: now })
          .onConflictDoNothing()
          .run().changes;
      return n;
    },
  };
}

export type SegmentService = ReturnType<typeof createSegmentService>;
