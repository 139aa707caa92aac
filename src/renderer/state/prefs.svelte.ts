/**
 * Language and colour scheme. Both follow the OS unless the user picks one in settings; the choice is
 * saved with the other settings by the engine, and applied here before the settings arrive.
 */
import type { Settings } from '../../shared/types';
import { en, zh, type StringKey } from '../lib/strings';

export const prefs = $state({
  locale: 'auto' as Settings['locale'],
  theme: 'system' as Settings['theme'],
});

const systemLocale = (): 'en' | 'zh' => (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en');

/** The language strings are shown in right now. */
export function currentLocale(): 'en' | 'zh' {
  return prefs.locale === 'auto' ? systemLocale() : prefs.locale;
}

/** The UI string for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  const table = currentLocale() === 'zh' ? zh : en;
  return table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Puts the theme and language on <html>, where the CSS and screen readers look for them. */
export function applyPrefs(root: HTMLElement): void {
  if (prefs.theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = prefs.theme;
  root.lang = currentLocale() === 'zh' ? 'zh-CN' : 'en';
}
