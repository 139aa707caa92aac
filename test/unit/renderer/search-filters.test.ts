/** The filter bar's dates are whole days in the user's time zone; impossible choices are refused with a reason. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayStart, isFiltered, noFilters, toSearchFilters } from '../../../src/renderer/lib/search-filters';

test('no choice sends no filters and the default order', () => {
  assert.deepEqual(toSearchFilters(noFilters()), { ok: true, filters: undefined, sort: 'relevance' });
  assert.equal(isFiltered(noFilters()), false);
});

test('"from" starts at local midnight of that day; "until" includes its whole day', () => {
  const outcome = toSearchFilters({ ...noFilters(), from: '2024-03-01', until: '2024-03-31' });
  assert.ok(outcome.ok);
  assert.equal(outcome.filters?.after, new Date(2024, 2, 1).getTime());
  assert.equal(outcome.filters?.before, new Date(2024, 3, 1).getTime());
  // A file saved late on the last day is inside the range, one saved just after midnight is not.
  const lateOnLastDay = new Date(2024, 2, 31, 23, 59).getTime();
  assert.ok(lateOnLastDay < outcome.filters!.before!);
  assert.ok(new Date(2024, 3, 1, 0, 1).getTime() >= outcome.filters!.before!);
});

test('one day is a valid range: from and until the same day', () => {
  const outcome = toSearchFilters({ ...noFilters(), from: '2024-02-29', until: '2024-02-29' });
  assert.ok(outcome.ok && outcome.filters!.before! - outcome.filters!.after! >= 23 * 3600_000);
});

test('folders, types and the date order are sent as chosen, copied', () => {
  const choice = { folders: ['/home/a/Docs'], types: ['pdf', 'docx'], from: '', until: '', sort: 'date' as const };
  const outcome = toSearchFilters(choice);
  assert.deepEqual(outcome, { ok: true, filters: { folders: ['/home/a/Docs'], types: ['pdf', 'docx'] }, sort: 'date' });
  assert.ok(outcome.ok && outcome.filters!.types !== choice.types, 'later chip edits do not change a query in flight');
  assert.equal(isFiltered(choice), true);
  assert.equal(isFiltered({ ...noFilters(), sort: 'date' }), true);
});

test('"from" after "until" is refused with the reason, not searched', () => {
  assert.deepEqual(toSearchFilters({ ...noFilters(), from: '2024-05-02', until: '2024-05-01' }), { ok: false, problem: 'filters.badRange' });
});

test('days that do not exist or come before 1970 are refused', () => {
  assert.equal(dayStart('2023-02-29'), null);
  assert.equal(dayStart('2024-13-01'), null);
  assert.equal(dayStart('1969-12-30'), null);
  assert.equal(dayStart('yesterday'), null);
  assert.deepEqual(toSearchFilters({ ...noFilters(), until: '2023-02-31' }), { ok: false, problem: 'filters.badDate' });
  assert.equal(dayStart('2024-12-31', 1), new Date(2025, 0, 1).getTime());
});
