/**
 * A writing system's name for a person. The engine names scripts as Unicode does ("Han", "Hangul");
 * "Han" means nothing to most readers, "Chinese characters" does.
 */
import type { Locale } from './translate';

const names: Record<string, Record<Locale, string>> = {
  han: { en: 'Chinese characters', zh: '汉字' },
  chinese: { en: 'Chinese', zh: '中文' },
  hiragana: { en: 'Japanese (hiragana)', zh: '日文平假名' },
  katakana: { en: 'Japanese (katakana)', zh: '日文片假名' },
  japanese: { en: 'Japanese', zh: '日文' },
  hangul: { en: 'Korean (Hangul)', zh: '韩文' },
  korean: { en: 'Korean', zh: '韩文' },
  cyrillic: { en: 'Cyrillic', zh: '西里尔字母' },
  arabic: { en: 'Arabic script', zh: '阿拉伯文' },
  hebrew: { en: 'Hebrew script', zh: '希伯来文' },
  greek: { en: 'Greek script', zh: '希腊字母' },
  thai: { en: 'Thai script', zh: '泰文' },
  devanagari: { en: 'Devanagari', zh: '天城文' },
};

/** The script's name in the UI's language; a name this table lacks is shown as the engine gave it. */
export function scriptName(locale: Locale, script: string): string {
  return names[script.trim().toLowerCase()]?.[locale] ?? script;
}
