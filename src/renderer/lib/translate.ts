/**
 * Filling in UI strings, kept apart from the reactive language choice (state/prefs.svelte.ts) so it can
 * be tested in plain Node: placeholders, plural forms, and templates with controls inside them.
 */
import { en, zh, type StringKey } from './strings';

export type Locale = 'en' | 'zh';

const tables: Record<Locale, Record<StringKey, string>> = { en, zh };

/** Keys that come as a pair `<base>.one` / `<base>.other`, chosen by a count. */
export type PluralBase = {
  [K in StringKey]: K extends `${infer B}.other` ? (`${B}.one` extends StringKey ? B : never) : never;
}[StringKey];

/** The string for `key` in `locale`, with `{name}` placeholders filled in (unknown ones left visible). */
export function translate(locale: Locale, key: StringKey, params: Record<string, string | number> = {}): string {
  return tables[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * The string for a count: "1 more passage" / "3 more passages". The language's own plural rules pick
 * the form (Chinese has one form, so both keys carry the same text there); `{n}` is the count.
 */
export function translateCount(locale: Locale, base: PluralBase, n: number, params: Record<string, string | number> = {}): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  const form = rules.select(n) === 'one' ? 'one' : 'other';
  return translate(locale, `${base}.${form}` as StringKey, { n, ...params });
}

/** A piece of a template: plain text, or the place where a control or emphasised value goes. */
export type TemplatePart = { text: string } | { slot: string };

/**
 * Splits a template at its placeholders, for sentences with a link or a button inside them
 * ("Showing results for {corrected}; search instead for {original}"): word order differs between
 * languages, so the template decides where the control goes, not the component.
 */
export function templateParts(locale: Locale, key: StringKey): TemplatePart[] {
  return tables[locale][key]
    .split(/(\{\w+\})/)
    .filter((s) => s !== '')
    .map((s) => (/^\{\w+\}$/.test(s) ? { slot: s.slice(1, -1) } : { text: s }));
}
