import { msg } from '../i18n/messageIds';
import type { RouterOutputs } from '../trpc';

export type ApprovalRow = RouterOutputs['approvals']['list'][number];
export type ApprovalDetail = RouterOutputs['approvals']['get'];
export type ApprovalKind = ApprovalRow['kind'];
export type ApprovalStatus = ApprovalRow['status'];

/** Message ids of the request kinds. */
export const kindLabels: Record<ApprovalKind, string> = {
  'journey.publish': msg('approvals.kind.publish'),
  'template.version': msg('approvals.kind.version'),
  'template.promote': msg('approvals.kind.promote'),
};

/** Message ids of the request statuses. */
export const statusLabels: Record<ApprovalStatus, string> = {
  pending: msg('approvals.status.pending'),
  approved: msg('approvals.status.approved'),
  rejected: msg('approvals.status.rejected'),
  withdrawn: msg('approvals.status.withdrawn'),
};

/** Where the object a request changes lives in the app. */
export function objectPath(r: Pick<ApprovalRow, 'objectType' | 'objectId'>): string {
  return r.objectType === 'journey' ? `/journeys/${encodeURIComponent(r.objectId)}` : `/templates/${encodeURIComponent(r.objectId)}`;
}

/** Where a request lives, for "sent for approval" messages. */
export const approvalPath = (id: string): string => `/approvals/${encodeURIComponent(id)}`;

/**
 * The approval request an answer carries when four-eyes turned the change into
 * one (`journeys.publish`, `templates.save`, `templates.promote`), else null.
 */
export function requestOf(result: unknown): { id: string } | null {
  if (typeof result !== 'object' || result === null || !('request' in result)) return null;
  const r: unknown = result.request;
  return typeof r === 'object' && r !== null && 'id' in r && typeof r.id === 'string' ? { id: r.id } : null;
}
