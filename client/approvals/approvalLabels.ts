import type { RouterOutputs } from '../trpc';

export type ApprovalRow = RouterOutputs['approvals']['list'][number];
export type ApprovalDetail = RouterOutputs['approvals']['get'];
export type ApprovalKind = ApprovalRow['kind'];
export type ApprovalStatus = ApprovalRow['status'];

export const kindLabels: Record<ApprovalKind, string> = {
  'journey.publish': 'Publish journey',
  'template.version': 'New template version',
  'template.promote': 'Promote A/B winner',
};

export const statusLabels: Record<ApprovalStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
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
