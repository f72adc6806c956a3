// Readers for the workbook toXlsx writes, written apart from it so the specs check what a spreadsheet
// program would read: a zip reader after PKWARE's APPNOTE 6.3 (stored entries, no zip64) and a strict
// little XML 1.0 parser (it refuses an unescaped & or <, "]]>" in text, a character XML cannot hold,
// a tag closed out of order).

export interface ZipEntry {
  name: string;
  data: Buffer;
  local: Record<
    'version' | 'flags' | 'method' | 'time' | 'date' | 'crc' | 'storedSize' | 'size' | 'extraLength',
    number
  > & {
    name: string;
  };
  central: Record<
    | 'madeBy'
    | 'version'
    | 'flags'
    | 'method'
    | 'time'
    | 'date'
    | 'crc'
    | 'storedSize'
    | 'size'
    | 'extraLength'
    | 'commentLength'
    | 'disk'
    | 'internal'
    | 'external'
    | 'offset',
    number
  >;
  dataEnd: number; // where the entry's data ends in the archive
}

export interface ZipArchive {
  entries: ZipEntry[];
  end: Record<'disk' | 'directoryDisk' | 'entriesOnDisk' | 'entries' | 'directorySize' | 'directoryOffset', number>;
  directoryEnd: number; // where the walk through the central directory stopped
}

const END_RECORD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

// from the end record (the archive has no comment, so it is the last 22 bytes) through the central
// directory to each entry's local header and data
export function unzip(bytes: Buffer): ZipArchive {
  const u16 = (at: number) => bytes.readUInt16LE(at);
  const u32 = (at: number) => bytes.readUInt32LE(at);
  const endAt = bytes.length - 22;
  if (u32(endAt) !== END_RECORD || u16(endAt + 20) !== 0) throw new Error('no end record without a comment');
  const end = {
    disk: u16(endAt + 4),
    directoryDisk: u16(endAt + 6),
    entriesOnDisk: u16(endAt + 8),
    entries: u16(endAt + 10),
    directorySize: u32(endAt + 12),
    directoryOffset: u32(endAt + 16),
  };
  const entries: ZipEntry[] = [];
  let at = end.directoryOffset;
  for (let i = 0; i < end.entries; i++) {
    if (u32(at) !== CENTRAL_ENTRY) throw new Error(`no central directory entry at ${at}`);
    const central = {
      madeBy: u16(at + 4),
      version: u16(at + 6),
      flags: u16(at + 8),
      method: u16(at + 10),
      time: u16(at + 12),
      date: u16(at + 14),
      crc: u32(at + 16),
      storedSize: u32(at + 20),
      size: u32(at + 24),
      extraLength: u16(at + 30),
      commentLength: u16(at + 32),
      disk: u16(at + 34),
      internal: u16(at + 36),
      external: u32(at + 38),
      offset: u32(at + 42),
    };
    const nameEnd = at + 46 + u16(at + 28);
    const name = bytes.toString('utf8', at + 46, nameEnd);
    at = nameEnd + central.extraLength + central.commentLength;
    const lo = central.offset;
    if (u32(lo) !== LOCAL_HEADER) throw new Error(`no local header at ${lo} for ${name}`);
    const localNameEnd = lo + 30 + u16(lo + 26);
    const local = {
      version: u16(lo + 4),
      flags: u16(lo + 6),
      method: u16(lo + 8),
      time: u16(lo + 10),
      date: u16(lo + 12),
      crc: u32(lo + 14),
      storedSize: u32(lo + 18),
      size: u32(lo + 22),
      extraLength: u16(lo + 28),
      name: bytes.toString('utf8', lo + 30, localNameEnd),
    };
    const dataAt = localNameEnd + local.extraLength;
    const dataEnd = dataAt + central.storedSize;
    entries.push({ name, data: bytes.subarray(dataAt, dataEnd), local, central, dataEnd });
  }
  return { entries, end, directoryEnd: at };
}

// an MS-DOS date as a zip header holds it, as YYYY-MM-DD
export function dosDate(date: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${1980 + (date >> 9)}-${pad((date >> 5) & 15)}-${pad(date & 31)}`;
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = '[A-Za-z_][\\w:.-]*';
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function decode(raw: string): string {
  if (NOT_XML.test(raw)) throw new Error(`a character XML 1.0 cannot hold in ${JSON.stringify(raw)}`);
  return raw.replace(/&([^;&]*)(;?)/g, (ref: string, name: string, semicolon: string) => {
    const char = ENTITIES[name];
    if (char === undefined || semicolon === '') throw new Error(`not an entity reference: ${ref}`);
    return char;
  });
}

// a document that starts with the declaration and holds one root element
export function parseXml(text: string): XmlElement {
  if (!text.startsWith(XML_DECLARATION)) throw new Error('no XML declaration');
  const token = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>|([^<]+)`, 'y');
  const top: XmlElement = { name: '', attributes: {}, children: [] };
  const open = [top];
  for (let at = XML_DECLARATION.length; at < text.length; at = token.lastIndex) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (m === null) throw new Error(`malformed XML at ${at}: ${text.slice(at, at + 20)}`);
    const [, closing, name, attributeText, selfClosing, chars] = m;
    const parent = open[open.length - 1]!;
    if (chars !== undefined) {
      if (chars.includes(']]>')) throw new Error('"]]>" in text');
      if (parent === top) {
        if (chars.trim() !== '') throw new Error('text outside the root element');
      } else parent.children.push(decode(chars));
    } else if (closing === '/') {
      if (name !== parent.name || attributeText !== '' || selfClosing !== '')
        throw new Error(`</${name}> out of order`);
      open.pop();
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attributeText!.matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
        if (key! in attributes) throw new Error(`attribute ${key} twice`);
        attributes[key!] = decode(value!);
      }
      if (parent === top && top.children.length > 0) throw new Error('a second root element');
      const element: XmlElement = { name: name!, attributes, children: [] };
      parent.children.push(element);
      if (selfClosing !== '/') open.push(element);
    }
  }
  const [root] = top.children;
  if (open.length !== 1 || root === undefined || typeof root === 'string') throw new Error('no closed root element');
  return root;
}

export const elements = (parent: XmlElement, name: string): XmlElement[] =>
  parent.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);

// the children of an element whose content is elements only (SpreadsheetML's sheetData, row, c)
function elementsOnly(parent: XmlElement, name: string): XmlElement[] {
  const found = elements(parent, name);
  if (found.length !== parent.children.length) throw new Error(`<${parent.name}> holds more than <${name}> elements`);
  return found;
}

export function element(parent: XmlElement, name: string): XmlElement {
  const [only, ...more] = elements(parent, name);
  if (only === undefined || more.length > 0) throw new Error(`not one <${name}> in <${parent.name}>`);
  return only;
}

export const textOf = (e: XmlElement): string => e.children.filter((c) => typeof c === 'string').join('');

// a cell as a spreadsheet reads it: text (an inline string) or a number
export interface SheetCell {
  ref: string;
  value: string | number;
}

// the workbook's parts as XML, its one sheet's name and its rows (by row number) of cells
export function readXlsx(bytes: Buffer): {
  parts: Map<string, XmlElement>;
  sheetName: string;
  rows: { r: string; cells: SheetCell[] }[];
} {
  const parts = new Map(unzip(bytes).entries.map((e) => [e.name, parseXml(e.data.toString('utf8'))]));
  const part = (name: string) => {
    const found = parts.get(name);
    if (found === undefined) throw new Error(`no part ${name}`);
    return found;
  };
  const sheetName = element(element(part('xl/workbook.xml'), 'sheets'), 'sheet').attributes.name!;
  const rows = elementsOnly(element(part('xl/worksheets/sheet1.xml'), 'sheetData'), 'row').map((row) => ({
    r: row.attributes.r!,
    cells: elementsOnly(row, 'c').map((c) => {
      if (c.attributes.t === 'inlineStr')
        return { ref: c.attributes.r!, value: textOf(element(element(c, 'is'), 't')) };
      if (c.attributes.t !== undefined) throw new Error(`cell type ${c.attributes.t}`);
      return { ref: c.attributes.r!, value: Number(textOf(element(c, 'v'))) };
    }),
  }));
  return { parts, sheetName, rows };
}
