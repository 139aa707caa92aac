/** The plain-text family: prose, markup with headings (md, rst, org), data files, logs and source code. */
import { decodeText } from './decode-text';
import type { ExtractedDocument, Extractor, Section } from './types';

export class PlainTextExtractor implements Extractor {
  constructor(readonly fileTypes: readonly string[]) {}

  async extract(bytes: Buffer, fileType: string): Promise<ExtractedDocument> {
    let text = decodeText(bytes).replace(/\r\n?/g, '\n');
    if (fileType === 'xml') text = xmlText(text);
    return { text, sections: findSections(text, fileType) };
  }
}

export function findSections(text: string, fileType: string): Section[] {
  if (fileType === 'md' || fileType === 'markdown') return markdownSections(text);
  if (fileType === 'org') return lineSections(text, /^(\*+)\s+(.+)$/gm);
  if (fileType === 'rst') return rstSections(text);
  return [];
}

function markdownSections(text: string): Section[] {
  const out: Section[] = [];
  let inFence = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence) {
      const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
      if (m) out.push({ start: offset, level: m[1].length, title: m[2] });
    }
    offset += line.length + 1;
  }
  return out;
}

function lineSections(text: string, re: RegExp): Section[] {
  return [...text.matchAll(re)].map((m) => ({ start: m.index!, level: m[1].length, title: m[2].trim() }));
}

/** reStructuredText: a line underlined by punctuation at least as long; levels by order of first use. */
function rstSections(text: string): Section[] {
  const out: Section[] = [];
  const styles: string[] = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const title = lines[i].trim();
    const under = lines[i + 1] ?? '';
    const m = /^([=\-~^"'`#*+:.])\1{2,}\s*$/.exec(under);
    if (title && !/^([=\-~^"'`#*+:.])\1+$/.test(title) && m && under.trim().length >= title.length) {
      if (!styles.includes(m[1])) styles.push(m[1]);
      out.push({ start: offset, level: styles.indexOf(m[1]) + 1, title });
    }
    offset += lines[i].length + 1;
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** XML: the character data without tags, so markup does not drown the words in the embedding. */
function xmlText(xml: string): string {
  return xml
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<[^>]+>/gi, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
      }
      return ENTITIES[e.toLowerCase()] ?? all;
    })
    .replace(/\n[ \t]*\n(?:[ \t]*\n)+/g, '\n\n');
}
