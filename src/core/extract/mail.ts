/**
 * E-mail: one message (.eml) or a mailbox (.mbox), parsed with postal-mime (MIME, charsets through
 * TextDecoder, encoded words in headers and file names; no dependencies of its own, and limits on
 * nesting, part count and header size). Each message is a section "message N: subject"; its text
 * starts with subject, from, to and date so a search for a sender or a date finds it, then the body
 * (an HTML-only body read as a web page, by html-text.ts), then the attachments by name and size —
 * listed, not opened.
 */
import iconv from 'iconv-lite';
import PostalMime, { type Address, type Attachment, type Email } from 'postal-mime';
import { DocumentBuilder } from './document-builder';
import { htmlToText } from './html-text';
import { ExtractionRefused, type ExtractedDocument, type Extractor } from './types';

/** A mailbox with more messages than this is read up to it (the rest would still be searchable text, but hours of parsing). */
const MAX_MESSAGES = 20_000;

export class MailExtractor implements Extractor {
  readonly fileTypes = ['eml', 'mbox'] as const;

  async extract(bytes: Buffer, fileType: string): Promise<ExtractedDocument> {
    const messages = fileType === 'mbox' ? splitMbox(bytes) : [bytes];
    if (fileType === 'eml' && !looksLikeMail(bytes)) throw new ExtractionRefused('not an e-mail message (no mail headers)');
    if (messages.length === 0) throw new ExtractionRefused('not a mailbox (no "From " separator lines)');
    const out = new DocumentBuilder();
    let n = 0;
    for (const raw of messages.slice(0, MAX_MESSAGES)) {
      let mail: Email;
      try {
        mail = await PostalMime.parse(raw);
      } catch {
        continue; // one broken message in a mailbox does not hide the others
      }
      n++;
      writeMessage(out, n, mail, hasPlainPart(raw));
    }
    if (n === 0) throw new ExtractionRefused('no readable e-mail message in this file');
    return out.build();
  }
}

function looksLikeMail(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('latin1');
  return /^(from|to|subject|date|received|return-path|message-id|mime-version|delivered-to|x-[\w-]+):/im.test(head);
}

/** mboxrd/mboxo: messages start at lines "From " after a blank line (or at the start); ">From " is unescaped. */
export function splitMbox(bytes: Buffer): Buffer[] {
  const s = bytes.toString('latin1'); // byte-preserving; each message is parsed with its own charset
  const starts: number[] = [];
  const re = /(^|\n)From [^\n]*\n/g;
  for (const m of s.matchAll(re)) starts.push(m.index! + m[1].length);
  return starts.map((st, i) => {
    const headerEnd = s.indexOf('\n', st) + 1;
    const body = s.slice(headerEnd, starts[i + 1] ?? s.length).replace(/^>(>*From )/gm, '$1');
    return Buffer.from(body, 'latin1');
  });
}

/**
 * Whether the message has a text/plain part of its own. postal-mime fills `text` from the HTML when
 * there is none; such a body is read with Trove's own HTML reader instead, as web pages are.
 */
function hasPlainPart(raw: Buffer): boolean {
  const s = raw.toString('latin1');
  const headerEnd = s.search(/\r?\n\r?\n/);
  const top = headerEnd < 0 ? s : s.slice(0, headerEnd);
  // No Content-Type at the top means the whole message is text/plain.
  return !/^content-type:/im.test(top) || /^content-type:\s*text\/plain\b/im.test(s);
}

/**
 * Mail labelled ISO-8859-1 is nearly always windows-1252 (Outlook's curly quotes and dashes), which is
 * how the WHATWG encoding standard decodes that label; but Node's TextDecoder (20 and 22, which
 * postal-mime uses) decodes both as ISO-8859-1, so bytes 0x80-0x9F come out as C1 control characters.
 * No real text holds those: they are put back as the windows-1252 characters the sender typed.
 */
const WINDOWS_1252_C1 = new Map(
  Array.from({ length: 32 }, (_, i) => [String.fromCharCode(0x80 + i), iconv.decode(Buffer.from([0x80 + i]), 'windows-1252')] as const).filter(([, ch]) => ch !== '\ufffd'),
);
const fixC1 = (s: string) => s.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1.get(c) ?? c);

function addressText(a: Address): string {
  if (a.group) return `${fixC1(a.name)}: ${a.group.map(addressText).join(', ')};`;
  return a.name ? `"${fixC1(a.name)}" <${a.address}>` : a.address;
}

function writeMessage(out: DocumentBuilder, n: number, mail: Email, plainPart: boolean): void {
  const subject = fixC1(mail.subject?.trim() ?? '') || '(no subject)';
  out.mark(1, `message ${n}: ${subject.length > 80 ? `${subject.slice(0, 79)}…` : subject}`);
  out.append(`Subject: ${subject}`);
  out.line();
  if (mail.from) {
    out.append(`From: ${addressText(mail.from)}`);
    out.line();
  }
  const to = mail.to?.map(addressText).join(', ');
  if (to) {
    out.append(`To: ${to}`);
    out.line();
  }
  const date = mail.date ? new Date(mail.date) : null;
  if (date && !Number.isNaN(date.getTime())) {
    out.append(`Date: ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    out.line();
  }
  out.paragraph();
  const body = mail.html && !(plainPart && mail.text?.trim()) ? htmlToText(fixC1(mail.html), { dropBoilerplate: false }).doc.build().text : fixC1(mail.text ?? '');
  for (const p of body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const lines = p.split('\n');
    for (const l of lines) {
      out.append(l);
      out.line();
    }
    out.paragraph();
  }
  const files = mail.attachments.filter((a) => a.disposition === 'attachment' || a.filename);
  if (files.length) {
    out.append(`Attachments: ${files.map((a) => `${a.filename ? fixC1(a.filename) : 'unnamed'} (${a.mimeType}, ${formatSize(contentSize(a.content))})`).join('; ')}`);
    out.paragraph();
  }
}

function contentSize(content: Attachment['content']): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}
