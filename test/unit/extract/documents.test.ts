/**
 * Each rich format read from a real file (Debian documentation, pandoc output, SpamAssassin mail):
 * the text a person would search for is there, and locations name the page, heading, slide, chapter
 * or message it is in. Runs the readers in this process; isolation is tested in isolated-extractor.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { chunkDocument } from '../../../src/core/chunk/chunker';
import { locator } from '../../../src/core/chunk/locate';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import { documentExtractors } from '../../../src/core/extract/document-extractors';
import type { ExtractedDocument } from '../../../src/core/extract/types';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');
const byType = new Map(documentExtractors().flatMap((e) => e.fileTypes.map((t) => [t, e] as const)));

function extractBytes(bytes: Buffer, type: string): Promise<ExtractedDocument> {
  return byType.get(type)!.extract(bytes, type);
}
function extract(file: string): Promise<ExtractedDocument> {
  return extractBytes(readFileSync(join(FIXTURES, file)), file.split('.').pop()!);
}
/** The location of the first occurrence of `phrase`, as the search results would show it. */
function whereIs(doc: ExtractedDocument, phrase: string): string {
  const at = doc.text.indexOf(phrase);
  assert.ok(at >= 0, `"${phrase}" is in the text`);
  return locator(doc)(at);
}

describe('PDF', () => {
  test('text is read page by page; a sentence on page 12 is located on page 12', async () => {
    const doc = await extract('real/fhs-3.0.pdf');
    assert.equal(doc.pageStarts?.length, 50);
    assert.equal(whereIs(doc, 'There must be no subdirectories in /bin.'), 'page 12');
    assert.equal(whereIs(doc, 'Game data stored in /usr/share/games must be purely static data.'), 'page 30');
  });

  test('running page numbers are dropped, so a page does not end in its number', async () => {
    const doc = await extract('real/fhs-3.0.pdf');
    const page12 = doc.text.slice(doc.pageStarts![11], doc.pageStarts![12]).trim();
    // pdftotext shows page 12 ending in a lone "5" (the printed page number).
    assert.doesNotMatch(page12, /\n\s*5$/);
    assert.match(page12, /root partition\.$/);
    // The line break in "non-|root" keeps its hyphen; ordinary words broken at a line end are joined.
    assert.match(page12, /required only by non-root users/);
  });

  test('a scan without a text layer is refused as such, not indexed as empty', async () => {
    await assert.rejects(extract('generated/scanned-no-text-layer.pdf'), /no text layer — scanned\?/);
  });

  test('a password-protected PDF is refused with that reason', async () => {
    await assert.rejects(extract('generated/encrypted-password.pdf'), /password-protected PDF/);
  });

  test('a truncated PDF is refused as damaged', async () => {
    await assert.rejects(extract('generated/truncated.pdf'), /damaged or truncated PDF/);
  });

  test('random bytes named .pdf are refused', async () => {
    await assert.rejects(extractBytes(Buffer.from('this is not a pdf at all'), 'pdf'), /not a PDF/);
  });
});

describe('Office documents', () => {
  test('DOCX: text and Word headings as sections', async () => {
    const doc = await extract('real/debian-faq-basic-defs.docx');
    assert.match(doc.text, /The project name is pronounced Deb’-ee-en, with a short e in Deb/);
    assert.equal(
      whereIs(doc, 'The project name is pronounced'),
      '§ Chapter 1. Definitions and overview › 1.7. How does one pronounce Debian and what does this word mean?',
    );
  });

  test('ODT: text and outline headings as sections', async () => {
    const doc = await extract('books/live-manual.en.odt');
    assert.match(doc.text, /live-build is a collection of scripts to build live systems\./);
    assert.match(whereIs(doc, 'live-build is a collection of scripts'), /^§ Overview of tools 「297」 › 5\. Overview of tools 「298」 › 5\.1 The live-build package/);
  });

  test('PPTX: slides in order, each a section "slide N: title"', async () => {
    const doc = await extract('real/debian-faq-basic-defs.pptx');
    assert.equal(doc.sections[0].title, 'slide 1: Chapter 1. Definitions and overview');
    assert.equal(whereIs(doc, 'The project name is pronounced'), '§ slide 8: 1.7. How does one pronounce Debian and what does this word mean?');
  });

  test('RTF: text, Unicode quotes and outline-level headings', async () => {
    const doc = await extract('real/debian-faq-basic-defs.rtf');
    assert.match(doc.text, /we won’t quote large parts of external documentation/);
    assert.doesNotMatch(doc.text, /\\[a-z]+|fonttbl|Courier/);
    assert.equal(whereIs(doc, 'The project name is pronounced'), '§ Chapter 1. Definitions and overview › 1.7. How does one pronounce Debian and what does this word mean?');
  });

  test('RTF in a Chinese code page decodes through its font charset', async () => {
    const rtf = '{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 \\\'d6\\\'d0\\\'ce\\\'c4\\\'cb\\\'d1\\\'cb\\\'f7\\par}';
    assert.equal((await extractBytes(Buffer.from(rtf, 'latin1'), 'rtf')).text, '中文搜索');
  });

  test('a DOCX that is really a ZIP of junk is refused as not a Word document', async () => {
    const junk = Buffer.from(zipSync({ 'junk.bin': new Uint8Array(2048).map((_, i) => (i * 7919) % 256), 'notes.txt': new TextEncoder().encode('hello') }));
    await assert.rejects(extractBytes(junk, 'docx'), /not a readable Word document/);
    await assert.rejects(extractBytes(Buffer.from('PK\x03\x04 not really a zip'), 'docx'), /Word document/);
  });

  test('a zip bomb is refused from its declared sizes, before anything is inflated', async () => {
    const bomb = Buffer.from(zipSync({ 'content.xml': new Uint8Array(80 * 1024 * 1024) }, { level: 9 }));
    assert.ok(bomb.length < 200_000);
    const t0 = performance.now();
    await assert.rejects(extractBytes(bomb, 'odt'), /zip bomb/);
    await assert.rejects(extractBytes(bomb, 'docx'), /zip bomb/);
    assert.ok(performance.now() - t0 < 2000);
  });
});

describe('EPUB', () => {
  test('chapters in reading order, titled from the table of contents, headings below them', async () => {
    const doc = await extract('books/live-manual.en.epub');
    const chapters = doc.sections.filter((s) => s.level === 1).map((s) => s.title);
    assert.ok(chapters.indexOf('4. The basics') < chapters.indexOf('5. Overview of tools'));
    // This book marks sub-headings with styled paragraphs, not <h2>: the contents' anchors locate them.
    assert.equal(whereIs(doc, 'live-build is a collection of scripts'), '§ 5. Overview of tools › 5.1 The live-build package');
    assert.equal(whereIs(doc, 'It is better to fill a report twice than never.'), '§ 14. Reporting bugs');
    // Each spine file once, even though this book lists some files once per anchor.
    assert.equal(doc.text.split('live-build is a collection of scripts to build live systems.').length, 2);
  });

  test('an e-book whose chapters are encrypted (DRM) is refused with that reason', async () => {
    const enc = new TextEncoder();
    const book = zipSync({
      mimetype: enc.encode('application/epub+zip'),
      'META-INF/container.xml': enc.encode('<container><rootfiles><rootfile full-path="OPS/book.opf"/></rootfiles></container>'),
      'META-INF/encryption.xml': enc.encode('<encryption><EncryptedData><CipherData><CipherReference URI="OPS/ch1.xhtml"/></CipherData></EncryptedData></encryption>'),
      'OPS/book.opf': enc.encode('<package><manifest><item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>'),
      'OPS/ch1.xhtml': new Uint8Array(500).fill(0x9c),
    });
    await assert.rejects(extractBytes(Buffer.from(book), 'epub'), /DRM-protected/);
  });
});

describe('HTML', () => {
  test('a page that is a table of contents (Debian Reference index) keeps only its title; a bookmarks export keeps its links', async () => {
    const toc = await extract('real/debian-reference-index.en.html');
    assert.equal(toc.text, 'Debian Reference', 'its 24,000 characters of chapter links would outrank the chapters');
    const links = Array.from({ length: 30 }, (_, i) => `<DT><A HREF="https://example.org/${i}">Recipe ${i} for sourdough bread</A>`).join('\n');
    const bookmarks = await extractBytes(Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE><DL><p>${links}</DL>`), 'html');
    assert.match(bookmarks.text, /Recipe 29 for sourdough bread/);
  });

  test('a real page: title and headings kept, DocBook navigation left out', async () => {
    const doc = await extract('real/debian-faq-ftparchives.en.html');
    assert.ok(doc.text.startsWith('Chapter 6. The Debian archives'));
    assert.doesNotMatch(doc.text, /\bPrev\b.*\bNext\b/);
    assert.equal(whereIs(doc, 'Aside bullseye and bookworm, other codenames'), '§ Chapter 6. The Debian archives › 6.2. What are all those names like etch, lenny, etc.? › 6.2.1. Which other codenames have been used in the past?');
  });

  test('navigation, sidebars, scripts and page footer are not indexed; main content and title are', async () => {
    const html = `<!doctype html><html><head><title>Bread at home</title><script>var tracking = 1;</script></head><body>
      <header><nav><a href="/">Home</a> <a href="/shop">Shop</a> <a href="/login">Sign in</a></nav></header>
      <aside class="sidebar">Popular posts: ten ways to win</aside>
      <main><article><h1>Sourdough</h1><p>${'Feed the starter twice a day and keep it warm. '.repeat(6)}</p>
      <h2>Baking</h2><p>Bake at 250 degrees with steam for the first twenty minutes.</p></article></main>
      <footer>© 2024 Example Ltd. Cookie settings.</footer></body></html>`;
    const doc = await extractBytes(Buffer.from(html), 'html');
    assert.ok(doc.text.startsWith('Bread at home\n\nSourdough'));
    for (const noise of ['Sign in', 'Popular posts', 'tracking', 'Cookie settings']) assert.ok(!doc.text.includes(noise), noise);
    assert.equal(whereIs(doc, 'Bake at 250 degrees'), '§ Sourdough › Baking');
  });

  test('a page in a declared legacy charset is decoded by its <meta charset>', async () => {
    const html = Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"><title>Caf'), Buffer.from([0xe9]), Buffer.from('</title></head><body><p>cr'), Buffer.from([0xe8]), Buffer.from('me br'), Buffer.from([0xfb]), Buffer.from('l'), Buffer.from([0xe9, 0x65]), Buffer.from('</p></body></html>')]);
    assert.equal((await extractBytes(html, 'html')).text, 'Café\n\ncrème brûlée');
  });

  test('HTML nested 30,000 elements deep is read without a stack overflow', async () => {
    const html = '<div>'.repeat(30_000) + 'deep treasure' + '</div>'.repeat(30_000);
    assert.match((await extractBytes(Buffer.from(html), 'html')).text, /deep treasure/);
  });
});

describe('mail', () => {
  test('an e-mail: subject, from, date and body, as one section "message 1: subject"', async () => {
    const doc = await extract('real/spamassassin-ham-00001.eml');
    assert.match(doc.text, /^Subject: Re: New Sequences Window\nFrom: "Robert Elz" <kre@munnari\.OZ\.AU>/);
    assert.match(doc.text, /Date: 2002-08-22 11:26 UTC/);
    assert.equal(whereIs(doc, 'For me it is very repeatable'), '§ message 1: Re: New Sequences Window');
  });

  test('attachments are listed by name, type and size', async () => {
    const doc = await extract('real/spamassassin-ham-00986-attachment.eml');
    assert.match(doc.text, /Attachments: PATCH \(text\/plain, 272 B\)/);
  });

  test('an HTML-only newsletter is read as text, not markup', async () => {
    const doc = await extract('real/spamassassin-hardham-00007-html.eml');
    assert.match(doc.text, /Der neue Cyberport-Katalog ist da!/);
    assert.doesNotMatch(doc.text, /<(td|font|table)\b/i);
    // Labelled ISO-8859-1, written in windows-1252 (=96 a dash, =92 an apostrophe), as mail programs do.
    assert.match(doc.text, /Mac-Shop – Cyberdesign für jeden Tag/);
    assert.match(doc.text, /Hier gibt’s maßgeschneiderte/);
    assert.doesNotMatch(doc.text, /[\u0080-\u009f]/);
  });

  test('GB2312: a base64 body and an encoded-word subject and sender', async () => {
    const doc = await extract('generated/mail-gb2312-base64.eml');
    assert.deepEqual(doc.sections.map((s) => s.title), ['message 1: 如何重置我的密码？']);
    assert.match(doc.text, /^Subject: 如何重置我的密码？\nFrom: "李明" <li\.ming@example\.cn>\nTo: "René François" <rene@example\.org>, "Zoe" <zoe@example\.org>\nDate: 2024-03-05 09:15 UTC\n/);
    assert.equal(whereIs(doc, '请打开设置页面，然后选择账户，再点击重置密码。'), '§ message 1: 如何重置我的密码？');
  });

  test('ISO-8859-1 quoted-printable: soft line breaks joined, the plain part over the HTML one, an RFC 2231 file name', async () => {
    const doc = await extract('generated/mail-latin1-quoted-printable.eml');
    assert.match(doc.text, /^Subject: Réunion du comité — ordre du jour\nFrom: "Zoë Lefèvre" <zoe@example\.org>\nTo: rene@example\.org\nDate: 2024-03-04 13:00 UTC\n/);
    assert.match(doc.text, /près de la gare\. Nous y discuterons de la façon dont les fichiers sont indexés sur chaque poste/);
    assert.match(doc.text, /L’ordre du jour – 14 h : « l’index local »\./);
    assert.doesNotMatch(doc.text, /version HTML/);
    assert.match(doc.text, /Attachments: procès-verbal\.txt \(text\/plain, 38 B\)$/);
  });

  test('a mailbox: each message its own section', async () => {
    const doc = await extract('real/spamassassin-4-messages.mbox');
    assert.deepEqual(
      doc.sections.map((s) => s.title),
      ['message 1: [zzzzteana] RE: Alexander', 'message 2: [zzzzteana] Moscow bomber', 'message 3: Liberalism in America', 'message 4: [ILUG] enter Chinese market'],
    );
    assert.equal(whereIs(doc, 'So is this mountain limestone or granite?'), '§ message 1: [zzzzteana] RE: Alexander');
  });
});

describe('text for the model', () => {
  test('a heading starts the passage under it, so the model sees them together', async () => {
    const doc = await extract('real/debian-faq-basic-defs.docx');
    const chunks = chunkDocument(doc, await loadTokenCounter(), { maxTokens: 256 });
    const pronounce = chunks.find((c) => c.text.includes('The project name is pronounced'))!;
    assert.ok(pronounce.text.startsWith('1.7. How does one pronounce Debian and what does this word mean?\n\nThe project name'));
    for (const s of doc.sections) assert.ok(chunks.some((c) => c.start === s.start), `a passage starts at "${s.title}"`);
  });

  test('ligatures and full-width letters are unified; superscripts are not', async () => {
    const doc = await extractBytes(Buffer.from('<p>The ﬁrst ｆｉｌｅ\u00a0has x² and\u200b soft\u00adhyphen</p>'), 'html');
    assert.equal(doc.text, 'The first file has x² and softhyphen');
  });

  test('Chinese full-width punctuation is kept, so sentences still end at ！？', async () => {
    const doc = await extractBytes(Buffer.from('<p>真的吗？是的！ＡＢＣ１２３，好。</p>'), 'html');
    assert.equal(doc.text, '真的吗？是的！ABC123，好。');
  });
});
