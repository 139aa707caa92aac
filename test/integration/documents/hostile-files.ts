/**
 * Makers of malformed and hostile documents for the indexing tests, written into a temp folder:
 * truncated files, random bytes behind document extensions, small zip bombs, ZIPs of junk, deeply
 * nested markup, encrypted and image-only PDFs. Each comes with the reason the user should see.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');
const fixture = (p: string) => readFileSync(join(FIXTURES, p));

/** A deterministic byte generator, so a failure can be reproduced. */
function random(seed: number): (n: number) => Buffer {
  let s = seed >>> 0 || 1;
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      b[i] = s & 0xff;
    }
    return b;
  };
}

export interface HostileFile {
  name: string;
  bytes: Buffer;
  /** What the problem list must say about it. */
  reason: RegExp;
}

const enc = new TextEncoder();
let bomb: Buffer | null = null;
function zipBomb(): Buffer {
  const parts = ['content.xml', 'word/document.xml', 'ppt/slides/slide1.xml', 'META-INF/container.xml'];
  return (bomb ??= Buffer.from(zipSync(Object.fromEntries(parts.map((p) => [p, new Uint8Array(100 * 1024 * 1024)])), { level: 6 })));
}

/** `count` hostile files, cycling through the kinds below. */
export function hostileFiles(count: number, seed = 7): HostileFile[] {
  const bytes = random(seed);
  const docx = fixture('real/debian-faq-basic-defs.docx');
  const epub = fixture('real/debian-faq-basic-defs.epub');
  const truncatedPdf = fixture('generated/truncated.pdf');
  const encrypted = fixture('generated/encrypted-password.pdf');
  const scanned = fixture('generated/scanned-no-text-layer.pdf');
  const makers: ((i: number) => Omit<HostileFile, 'name'> & { ext: string })[] = [
    (i) => ({ ext: 'pdf', bytes: bytes(200 + (i % 5000)), reason: /not a PDF/ }),
    (i) => ({ ext: 'pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), bytes(100 + (i % 3000))]), reason: /damaged or truncated PDF|no text layer|could not read this PDF/ }),
    (i) => ({ ext: 'pdf', bytes: truncatedPdf.subarray(0, 300 + ((i * 97) % 5500)), reason: /damaged or truncated PDF/ }),
    (i) => ({ ext: 'pdf', bytes: Buffer.concat([encrypted, Buffer.from(`\n%${i}\n`)]), reason: /password-protected PDF/ }),
    (i) => ({ ext: 'pdf', bytes: Buffer.concat([scanned, Buffer.from(`\n%${i}\n`)]), reason: /no text layer — scanned\?/ }),
    (i) => ({ ext: ['docx', 'odt', 'pptx', 'epub'][i % 4], bytes: bytes(64 + (i % 4000)), reason: /damaged, or not a ZIP container/ }),
    (i) => ({ ext: 'docx', bytes: docx.subarray(0, 100 + ((i * 131) % (docx.length - 200))), reason: /not a readable Word document|damaged ZIP/ }),
    (i) => ({ ext: 'epub', bytes: epub.subarray(0, 100 + ((i * 131) % (epub.length - 200))), reason: /not a readable EPUB|damaged ZIP/ }),
    (i) => ({ ext: ['docx', 'odt', 'pptx', 'epub'][i % 4], bytes: Buffer.from(zipSync({ [`junk${i}.bin`]: bytes(500), 'readme.txt': enc.encode('nothing here') })), reason: /not a readable|no slides|no package document|content\.xml is missing/ }),
    // Small on disk (100 KB), 100 MB unpacked: refused from the sizes the archive declares.
    (i) => ({ ext: ['docx', 'odt', 'pptx', 'epub'][i % 4], bytes: zipBomb(), reason: /zip bomb/ }),
    (i) => ({ ext: 'html', bytes: Buffer.from(`<div>`.repeat(5000 + i) + '</div>'.repeat(5000)), reason: /no text to index/ }),
    (i) => ({ ext: 'html', bytes: Buffer.from(`<html><head><script>${'x=1;'.repeat(i + 10)}</script></head><body><nav><a href="/">Home ${i}</a></nav></body></html>`), reason: /no text to index/ }),
    (i) => ({ ext: 'html', bytes: Buffer.concat([Buffer.from('<p>caf'), Buffer.from([0xc3, 0xa9]), bytes(40 + (i % 100)).map((b) => 0x80 | (b & 0x3f))]), reason: /not valid UTF-8|not text|encoding could not be recognised/ }),
    (i) => ({ ext: 'eml', bytes: Buffer.from(bytes(300 + (i % 2000)).map((b) => (b === 10 ? 0 : b))), reason: /not an e-mail message/ }),
    (i) => ({ ext: 'mbox', bytes: Buffer.from(`no separator line here ${i}\nSubject: hello\n`), reason: /not a mailbox/ }),
    (i) => ({ ext: 'rtf', bytes: bytes(100 + (i % 1000)), reason: /not an RTF document/ }),
    (i) => ({ ext: 'rtf', bytes: Buffer.from('{\\rtf1 ' + '{'.repeat(20_000 + i) + 'x'), reason: /nested deeper than/ }),
    () => ({ ext: 'txt', bytes: Buffer.alloc(0), reason: /empty file/ }),
    (i) => ({ ext: 'txt', bytes: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]), bytes(200 + i)]), reason: /binary content/ }),
  ];
  const out: HostileFile[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % makers.length;
    const { ext, bytes: b, reason } = makers[kind](i);
    out.push({ name: `bad-${String(i).padStart(4, '0')}-k${kind}.${ext}`, bytes: b, reason });
  }
  return out;
}

export function writeHostileFiles(dir: string, files: HostileFile[]): void {
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
}

/**
 * A small PDF with real text on each page (Helvetica, no embedded font), as a PDF writer would make
 * it: one sentence per line, pages in order.
 */
export function textPdf(pages: string[][]): Buffer {
  const objs: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: number[] = [];
  const font = 3;
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  for (const lines of pages) {
    const body = lines.map((l, k) => `BT /F1 12 Tf 72 ${720 - k * 18} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`).join('\n');
    objs.push(`<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`);
    const contents = objs.length;
    objs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} 0 R >>`);
    kids.push(objs.length);
  }
  objs[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
