/**
 * Zip bombs made at test time (never committed): a real ZIP container whose one big part inflates to
 * ~1 GiB of whitespace from ~1 MB on disk, built with a streaming deflate so the test process never
 * holds the inflated data itself. `lie` makes the archive declare a tiny uncompressed size, as a
 * hostile file would, so only a reader that counts what it inflates can stop it.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

interface Entry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
  declaredSize: number;
}

/** DEFLATE `head`, then `padBytes` spaces, then `tail`, streamed; returns the compressed bytes, CRC and size. */
async function deflateLarge(head: string, padBytes: number, tail: string): Promise<{ data: Buffer; crc: number; size: number }> {
  const deflate = createDeflateRaw({ level: 9, memLevel: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  let crc = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    if (!deflate.write(b)) await once(deflate, 'drain');
  };
  await write(Buffer.from(head));
  const spaces = Buffer.alloc(1 << 20, 0x20);
  for (let left = padBytes; left > 0; left -= spaces.length) await write(left >= spaces.length ? spaces : spaces.subarray(0, left));
  await write(Buffer.from(tail));
  deflate.end();
  await once(deflate, 'end');
  return { data: Buffer.concat(out), crc, size: Buffer.byteLength(head) + padBytes + Buffer.byteLength(tail) };
}

function small(name: string, text: string): Entry {
  const raw = Buffer.from(text);
  return { name, data: deflateRawSync(raw), crc: crc32(raw), size: raw.length, declaredSize: raw.length };
}

function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export type BombKind = 'xlsx' | 'docx';

/** Write a bomb of `kind` to `file`: valid around the edges, one part of `padBytes` whitespace inside. */
export async function writeZipBomb(file: string, kind: BombKind, options: { padBytes?: number; lie?: boolean } = {}): Promise<{ bytes: number; inflated: number }> {
  const padBytes = options.padBytes ?? 1 << 30;
  const parts: Entry[] = [];
  let bigName: string;
  let head: string;
  let tail: string;
  if (kind === 'xlsx') {
    parts.push(
      small('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
      small('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
      small('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Questions" sheetId="1" r:id="rId1"/></sheets></workbook>'),
      small('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    );
    bigName = 'xl/worksheets/sheet1.xml';
    head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>How do I reset my password?';
    tail = '</t></is></c></row></sheetData></worksheet>';
  } else {
    parts.push(
      small('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
      small('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
    );
    bigName = 'word/document.xml';
    head = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello';
    tail = '</w:t></w:r></w:p></w:body></w:document>';
  }
  const big = await deflateLarge(head, padBytes, tail);
  parts.push({ name: bigName, ...big, declaredSize: options.lie ? 4096 : big.size });
  const bytes = zip(parts);
  writeFileSync(file, bytes);
  return { bytes: bytes.length, inflated: big.size };
}
