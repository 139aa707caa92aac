/**
 * E-mail: one message (.eml) or a mailbox (.mbox), parsed with mailparser (MIME, charsets, encoded
 * headers). Each message is a section "message N: subject"; its text starts with subject, from, to and
 * date so a search for a sender or a date finds it, then the body (HTML bodies read as web pages), then
 * the attachments by name and size — listed, not opened.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
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
      let mail: ParsedMail;
      try {
        mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
      } catch {
        continue; // one broken message in a mailbox does not hide the others
      }
      n++;
      writeMessage(out, n, mail);
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

function writeMessage(out: DocumentBuilder, n: number, mail: ParsedMail): void {
  const subject = mail.subject?.trim() || '(no subject)';
  out.mark(1, `message ${n}: ${subject.length > 80 ? `${subject.slice(0, 79)}…` : subject}`);
  out.append(`Subject: ${subject}`);
  out.line();
  if (mail.from?.text) {
    out.append(`From: ${mail.from.text}`);
    out.line();
  }
  const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : mail.to?.text;
  if (to) {
    out.append(`To: ${to}`);
    out.line();
  }
  if (mail.date && !Number.isNaN(mail.date.getTime())) {
    out.append(`Date: ${mail.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    out.line();
  }
  out.paragraph();
  const body = mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html, { dropBoilerplate: false }).doc.build().text : '';
  for (const p of body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const lines = p.split('\n');
    for (const l of lines) {
      out.append(l);
      out.line();
    }
    out.paragraph();
  }
  const files = mail.attachments.filter((a) => a.contentDisposition === 'attachment' || a.filename);
  if (files.length) {
    out.append(`Attachments: ${files.map((a) => `${a.filename ?? 'unnamed'} (${a.contentType}, ${formatSize(a.size)})`).join('; ')}`);
    out.paragraph();
  }
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}
