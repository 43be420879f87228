/**
 * Instants as the contact lives them: every time on the contact page is in the
 * contact's own time zone. The formatting itself lives in client/format.ts
 * (one module, in the chosen locale); these are its zoned functions.
 */
export { dateTimeIn, dayLabel, timeIn, timeNear } from '../format';
