/**
 * Language and colour scheme. Both follow the OS unless the user picks one in settings; the choice is
 * saved with the other settings by the engine, and applied here before the settings arrive.
 */
import type { Settings } from '../../shared/types';
import type { StringKey } from '../lib/strings';
import { templateParts, translate, translateCount, type PluralBase, type TemplatePart } from '../lib/translate';

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
  return translate(currentLocale(), key, params);
}

/** The UI string for a count `n`, in the plural form the current language wants. */
export function tn(base: PluralBase, n: number, params: Record<string, string | number> = {}): string {
  return translateCount(currentLocale(), base, n, params);
}

/** A sentence with controls inside it, split where they go (see `templateParts`). */
export function tParts(key: StringKey): TemplatePart[] {
  return templateParts(currentLocale(), key);
}

/** Puts the theme and language on <html>, where the CSS and screen readers look for them. */
export function applyPrefs(root: HTMLElement): void {
  if (prefs.theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = prefs.theme;
  root.lang = currentLocale() === 'zh' ? 'zh-CN' : 'en';
}
