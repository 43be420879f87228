import type { Db } from '../db/client';
import { RoiSettings } from '../../shared/analytics/roi';

/**
 * The workspace's ROI assumptions (average first loan and margin), stored on
 * the workspace row. Null until an admin sets them: ROI is then not shown
 * rather than computed from a made-up default.
 */
export function createRoiSettings(db: Db) {
  const c = db.$client;
  const read = c.prepare<[], { roi: string }>('select roi from workspace where id = 1');
  const write = c.prepare<[string]>('update workspace set roi = ? where id = 1');
  return {
    get(): RoiSettings | null {
      const row = read.get();
      const parsed = RoiSettings.safeParse(row ? JSON.parse(row.roi) : {});
      return parsed.success ? parsed.data : null;
    },
    /** Validated by the schema (a bad field is named); returns what was stored. */
    set(input: RoiSettings): RoiSettings {
      const s = RoiSettings.parse(input);
      write.run(JSON.stringify(s));
      return s;
    },
  };
}

export type RoiSettingsService = ReturnType<typeof createRoiSettings>;
