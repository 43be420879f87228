import { z } from 'zod';
import { procedure, router } from '../init';
import type { AuditMeta } from '../auditing';

const mapping = z.record(z.string().min(1), z.string().min(1).nullable());
const input = z.object({
  id: z.string().min(1, 'id is required'),
  /** the old version to move contacts from (default: the newest old version with contacts in flight) */
  fromVersion: z.number().int().min(1, 'versions count from 1').optional(),
  /** old node id → new node id, or null to keep its contacts on the old version; over the automatic mapping */
  overrides: mapping.default({}),
});

/** The row names the journey; its diff keeps the mapping asked for and what moved where. */
const migrationAudit: AuditMeta = { objectType: 'journey' };

/** Live-version migration: the side-by-side plan, and the move itself (audited, one transaction). */
export const migrationsRouter = router({
  plan: procedure('viewer')
    .input(input)
    .query(({ ctx, input }) => ctx.services.migration.plan(input.id, input)),
  migrate: procedure('operator', migrationAudit)
    .input(input)
    .mutation(({ ctx, input }) => ctx.services.migration.migrate(input.id, input)),
});
