import { z } from 'zod';
import { compileErrorCodes, type Located } from '../../shared/journey/errors';

const LocatedSchema = z.object({
  code: z.enum(compileErrorCodes),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  field: z.string().optional(),
  detail: z.string().optional(),
});
const Refusal = z.object({ data: z.object({ details: z.object({ errors: z.array(LocatedSchema) }) }) });

/** Why the server refused to publish: its message and, when it sent them, the compile errors. */
export function publishRefusal(error: unknown): { message: string; problems: Located[] } {
  const message = error instanceof Error ? error.message : 'Publishing failed.';
  const parsed = Refusal.safeParse(error);
  return { message, problems: parsed.success ? parsed.data.data.details.errors : [] };
}
