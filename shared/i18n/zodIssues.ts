import type { z } from 'zod';

/**
 * A zod issue's stable code and the params its wording needs (zod 4's issue
 * fields, flattened to strings and numbers): the server sends them beside each
 * issue's English message, and the client's own form checks read them the same
 * way, so one catalogue entry per code words both (client/i18n/serverText.ts).
 */
export interface IssueParams {
  code: string;
  params: Record<string, string | number>;
}

export function zodIssueParams(issue: z.core.$ZodIssue): IssueParams {
  switch (issue.code) {
    case 'too_small':
      return { code: issue.code, params: { origin: issue.origin, limit: Number(issue.minimum), inclusive: issue.inclusive === false ? 'no' : 'yes' } };
    case 'too_big':
      return { code: issue.code, params: { origin: issue.origin, limit: Number(issue.maximum), inclusive: issue.inclusive === false ? 'no' : 'yes' } };
    case 'invalid_type':
      return { code: issue.code, params: { expected: issue.expected } };
    case 'invalid_format':
      return { code: issue.code, params: { format: issue.format } };
    case 'invalid_value':
      return { code: issue.code, params: { values: issue.values.map(String).join(', ') } };
    case 'not_multiple_of':
      return { code: issue.code, params: { divisor: issue.divisor } };
    case 'unrecognized_keys':
      return { code: issue.code, params: { keys: issue.keys.join(', ') } };
    case 'custom': {
      // a refinement may name a server message by its code, in params.messageCode
      const p = issue.params ?? {};
      const values: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(p)) if (typeof v === 'string' || typeof v === 'number') values[k] = v;
      return { code: issue.code, params: values };
    }
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return { code: issue.code, params: {} };
  }
}
