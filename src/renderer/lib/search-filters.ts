/**
 * The filter bar's choices and the search filters they mean. Dates are whole days in the user's time
 * zone, as a date picker shows them: "modified from 2024-03-01 until 2024-03-31" includes both days.
 */
import type { SearchFilters, SearchQuery } from '../../shared/types';
import type { StringKey } from './strings';

export interface FilterChoice {
  /** Indexed folders chosen (absolute paths); empty = all. */
  folders: string[];
  /** File types chosen (extensions without the dot); empty = all. */
  types: string[];
  /** First day of the modified range, "YYYY-MM-DD" as a date input gives it; "" = open. */
  from: string;
  /** Last day of the modified range (included); "" = open. */
  until: string;
  /** Order of the results. */
  sort: NonNullable<SearchQuery['sort']>;
}

export const noFilters = (): FilterChoice => ({ folders: [], types: [], from: '', until: '', sort: 'relevance' });

/** True when anything narrows or reorders the results (the bar then offers "Clear filters"). */
export function isFiltered(choice: FilterChoice): boolean {
  return choice.folders.length > 0 || choice.types.length > 0 || !!choice.from || !!choice.until || choice.sort !== 'relevance';
}

/** Local midnight at the start of a "YYYY-MM-DD" day (`days` later), or null when it is not a real date from 1970 on. */
export function dayStart(day: string, days = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  // Date rolls 31 February over into March: refuse it rather than search a day nobody chose.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  date.setDate(date.getDate() + days);
  const ms = date.getTime();
  return ms >= 0 ? ms : null;
}

export type FilterOutcome =
  | { ok: true; filters: SearchFilters | undefined; sort: FilterChoice['sort'] }
  | { ok: false; problem: StringKey };

/** The filters to send with a query, or the reason the choice cannot be searched (shown in the bar). */
export function toSearchFilters(choice: FilterChoice): FilterOutcome {
  const filters: SearchFilters = {};
  if (choice.folders.length) filters.folders = [...choice.folders];
  if (choice.types.length) filters.types = [...choice.types];
  if (choice.from) {
    const after = dayStart(choice.from);
    if (after === null) return { ok: false, problem: 'filters.badDate' };
    filters.after = after;
  }
  if (choice.until) {
    const before = dayStart(choice.until, 1);
    if (before === null) return { ok: false, problem: 'filters.badDate' };
    filters.before = before;
  }
  if (filters.after !== undefined && filters.before !== undefined && filters.after >= filters.before) {
    return { ok: false, problem: 'filters.badRange' };
  }
  return { ok: true, filters: Object.keys(filters).length ? filters : undefined, sort: choice.sort };
}
