import { hash32 } from '../util/hash';

/**
 * The workspace-wide global control group: a stable share of contacts who get
 * no marketing at all, so every journey's effect can be measured against
 * people nobody marketed to. Membership is a hash of the contact's id into
 * 10,000 buckets: the same contact is always in or out, and raising the share
 * only adds contacts (those already held out stay held out).
 */
export const controlBucket = (contactId: number): number => hash32(`global_control:${contactId}`) % 10_000;

/** Whether `contactId` falls in a global control group of `percent` % (0–100, to 0.01 %). */
export const inGlobalControl = (contactId: number, percent: number | undefined): boolean => percent !== undefined && percent > 0 && controlBucket(contactId) < Math.round(percent * 100);

/** The reason a message to a control contact is suppressed (the timeline and the overlay show it). */
export const globalControlReason = 'global_control';
