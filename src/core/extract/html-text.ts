/**
 * HTML → text with headings, in one streaming pass (htmlparser2): no DOM is built, so a 50 MB page
 * or one nested 100,000 deep costs little memory. Navigation boilerplate (nav, page header and
 * footer, sidebars, scripts, forms) is left out; when the page marks its main content (<main>,
 * <article>, role="main") only that is kept. Used for .html, and for the HTML that DOCX and EPUB hold.
 */
import { Parser } from 'htmlparser2';
import { DocumentBuilder } from './document-builder';

const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'head', 'nav', 'aside', 'form', 'button',
  'select', 'textarea', 'iframe', 'object', 'embed', 'canvas', 'audio', 'video', 'map', 'dialog',
]);
/** Page-level chrome; inside <article>/<main> the same elements hold the article's own title or notes. */
const CHROME = new Set(['header', 'footer']);
const SKIP_ROLES = /^(navigation|banner|contentinfo|complementary|search|menu|menubar|toolbar|dialog)$/i;
/** Class or id names that mark navigation in common generators (DocBook, Sphinx, Doxygen, blogs). */
const SKIP_NAMES =
  /(^|\s)(nav|navbar|navheader|navfooter|navigation|breadcrumbs?|sidebar|sphinxsidebar|related|site-header|site-footer|skip-link|cookie-banner|cookies?)(\s|$)/i;
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'figure',
  'figcaption', 'address', 'fieldset', 'details', 'summary', 'hr', 'body', 'html', 'center', 'header', 'footer',
]);
const LINE = new Set(['br', 'li', 'dt', 'dd', 'tr', 'caption', 'option']);
const CELL = new Set(['td', 'th']);
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr', 'param']);
const MAIN = new Set(['main', 'article']);

export interface HtmlTextOptions {
  /** Drop navigation and keep only marked main content (web pages); off for DOCX/EPUB content. */
  dropBoilerplate?: boolean;
  /** Added to heading levels (EPUB chapters are level 1, their headings start at 2). */
  headingOffset?: number;
  /** XHTML parsing rules (EPUB). */
  xml?: boolean;
  /** Sections that start at elements with these ids or names (from an e-book's table of contents). */
  anchors?: Map<string, { level: number; title: string }>;
}

export interface HtmlText {
  title: string;
  /** Whether the page marked main content and only that was kept. */
  usedMain: boolean;
  /** Share of the text (0–1) that is link text: near 1 for a table of contents or a link list. */
  linkShare: number;
}

/**
 * Write the text of `html` into `out`. With dropBoilerplate, text outside the page's main content is
 * written to a second builder first and the better one is chosen at the end, so this needs `build`.
 */
export function htmlToText(html: string, options: HtmlTextOptions = {}): { doc: DocumentBuilder } & HtmlText {
  const all = new DocumentBuilder();
  const main = new DocumentBuilder();
  const drop = options.dropBoilerplate ?? false;
  const offset = options.headingOffset ?? 0;
  const stack: { name: string; skip: boolean; main: boolean; heading: boolean }[] = [];
  let skipDepth = 0;
  let mainDepth = 0;
  let sawMain = false;
  let inTitle = false;
  let title = '';
  let preDepth = 0;
  let headingOpen = false;
  let linkDepth = 0;
  let linkChars = 0;
  let textChars = 0;

  const targets = (): DocumentBuilder[] => (mainDepth > 0 ? [all, main] : [all]);
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'title' && !title) inTitle = true;
        const role = attrs.role ?? '';
        const names = `${attrs.class ?? ''} ${attrs.id ?? ''}`;
        const hidden = 'hidden' in attrs || attrs['aria-hidden'] === 'true';
        const isMain = drop && (MAIN.has(name) || /^main$/i.test(role));
        const skip =
          name !== 'title' &&
          (SKIP.has(name) ||
            hidden ||
            (drop && ((CHROME.has(name) && mainDepth === 0) || SKIP_ROLES.test(role) || SKIP_NAMES.test(names))));
        const level = /^h([1-6])$/.exec(name);
        const heading = !!level && skipDepth === 0 && !skip && !headingOpen;
        if (!VOID.has(name)) stack.push({ name, skip, main: isMain, heading });
        if (skip) skipDepth++;
        if (isMain) {
          mainDepth++;
          sawMain = true;
        }
        if (skipDepth > 0) return;
        const anchor = options.anchors && (options.anchors.get(attrs.id ?? '') ?? options.anchors.get(attrs.name ?? ''));
        if (anchor) {
          options.anchors!.delete(attrs.id ?? '');
          options.anchors!.delete(attrs.name ?? '');
          for (const b of targets()) b.mark(anchor.level, anchor.title);
        }
        if (name === 'pre') preDepth++;
        if (name === 'a') linkDepth++;
        if (heading) {
          headingOpen = true;
          for (const b of targets()) b.startHeading(Number(level![1]) + offset);
        } else if (BLOCK.has(name)) for (const b of targets()) b.paragraph();
        else if (LINE.has(name)) for (const b of targets()) b.line();
        else if (CELL.has(name)) for (const b of targets()) b.append(' ');
        if (name === 'img' && attrs.alt?.trim() && !drop) for (const b of targets()) b.append(` ${attrs.alt} `);
      },
      ontext(text) {
        if (inTitle && stack.at(-1)?.name === 'title') {
          title += text;
          return;
        }
        if (skipDepth > 0) return;
        const visible = text.replace(/\s+/g, '').length;
        textChars += visible;
        if (linkDepth > 0) linkChars += visible;
        if (preDepth > 0) {
          // Preformatted text keeps its lines.
          const lines = text.split(/\r?\n/);
          lines.forEach((l, i) => {
            for (const b of targets()) {
              if (i > 0) b.line();
              b.append(l);
            }
          });
          return;
        }
        for (const b of targets()) b.append(text);
      },
      onclosetag(name) {
        if (VOID.has(name)) {
          return;
        }
        if (name === 'title') inTitle = false;
        // Close up to the matching open element (htmlparser2 already balances implied closes).
        let i = stack.length - 1;
        while (i >= 0 && stack[i].name !== name) i--;
        if (i < 0) return;
        while (stack.length > i) {
          const e = stack.pop()!;
          if (e.main) mainDepth--;
          if (e.skip) {
            skipDepth--;
            continue;
          }
          if (skipDepth > 0) continue;
          if (e.name === 'pre') preDepth = Math.max(0, preDepth - 1);
          if (e.name === 'a') linkDepth = Math.max(0, linkDepth - 1);
          if (e.heading) {
            headingOpen = false;
            for (const b of [all, main]) b.endHeading();
          } else if (BLOCK.has(e.name)) for (const b of targets()) b.paragraph();
          else if (LINE.has(e.name)) for (const b of targets()) b.line();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, xmlMode: options.xml ?? false, recognizeSelfClosing: true },
  );
  parser.end(html);

  title = title.replace(/\s+/g, ' ').trim();
  const usedMain = drop && sawMain && main.size > 200;
  return { doc: usedMain ? main : all, title, usedMain, linkShare: textChars ? linkChars / textChars : 0 };
}
