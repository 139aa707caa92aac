/**
 * A <select> used as a picker (choosing "txt" in "Type…" adds a filter and the picker returns to its
 * prompt) must not act on every key. On Linux and Windows, Chromium changes a closed select's value
 * and fires `change` for ↑/↓, Home/End, Page Up/Down and type-ahead letters, so browsing the list by
 * keyboard would add one filter per key. Those keys only move the choice here; Enter takes it. A
 * mouse pick, or Enter in the opened list (Alt+↓ or Space), fires `change` without them and is taken
 * at once. Leaving the picker drops a choice that was browsed to but not taken.
 */
const BROWSING_KEYS = new Set(['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

type SelectEvent<E extends Event> = E & { currentTarget: HTMLSelectElement };

export function pickerKeys(pick: (value: string) => void) {
  let browsing = false;
  const take = (select: HTMLSelectElement) => {
    const value = select.value;
    select.value = '';
    if (value) pick(value);
  };
  return {
    onkeydown(e: SelectEvent<KeyboardEvent>) {
      if (e.key === 'Enter') {
        if (e.currentTarget.value) {
          e.preventDefault();
          take(e.currentTarget);
        }
        return;
      }
      const typeAhead = e.key.length === 1 && e.key !== ' ' && !e.ctrlKey && !e.metaKey && !e.altKey;
      if (!BROWSING_KEYS.has(e.key) && !typeAhead) return;
      // The key's own `change` (if any) comes before the next task; after it, changes are picks again.
      browsing = true;
      setTimeout(() => (browsing = false));
    },
    onchange(e: SelectEvent<Event>) {
      if (!browsing) take(e.currentTarget);
    },
    onblur(e: SelectEvent<FocusEvent>) {
      e.currentTarget.value = '';
    },
  };
}
