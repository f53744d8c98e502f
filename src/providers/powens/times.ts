/**
 * Powens date-times carry no offset (`YYYY-MM-DD HH:MM:SS`). Connection, source, account
 * and user times (`last_update`, `created`, `expire`, `next_try`, `disabled`, …) are the
 * API's wall clock, read in the configured zone (default Europe/Paris). The transaction
 * times the SPEC says are UTC (`datetime`, `rdatetime`, …) are not read: the model keeps
 * days. Evidence: docs/providers/powens.md, "Times and time zones".
 */
import { isoTimestamp } from '../../provider.js';

/** A zone-less Powens date-time in `timeZone` as an ISO instant, or undefined. */
export function powensTime(value: string | null | undefined, timeZone: string): string | undefined {
  return isoTimestamp(value, timeZone === 'UTC' ? 'Z' : { timeZone });
}

/** The instant as a Date, or undefined (`next_try` as a retry time). */
export function powensDate(value: string | null | undefined, timeZone: string): Date | undefined {
  const iso = powensTime(value, timeZone);
  return iso ? new Date(iso) : undefined;
}
