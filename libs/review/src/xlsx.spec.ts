import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Cell } from './results-table';
import { toXlsx } from './xlsx';
import { dosDate, element, elements, readXlsx, textOf, unzip, XML_DECLARATION } from './xlsx.fixture';

const PARTS = [
  '[Content_Types].xml',
  '_rels/.rels',
  'xl/workbook.xml',
  'xl/_rels/workbook.xml.rels',
  'xl/worksheets/sheet1.xml',
];
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const TABLE: Cell[][] = [
  ['team', '销售经理', 600, null, -1.5],
  ['T1', 'Signed, net', 0, 0.30000000000000004, null],
];

describe('toXlsx: the zip', () => {
  it('holds the five parts, stored, each with its CRC, the local and central headers agreeing', () => {
    const bytes = toXlsx('2026-W48 T1', TABLE);
    const { entries, end, directoryEnd } = unzip(bytes);
    expect(entries.map((e) => e.name)).toEqual(PARTS);
    let next = 0; // local headers and their data follow each other from the start, then the directory
    for (const e of entries) {
      const size = e.data.length;
      const stored = { flags: 0x0800, method: 0, time: 0, crc: crc32(e.data), storedSize: size, size }; // UTF-8 names
      expect(e.local).toEqual({ ...stored, version: 20, date: e.local.date, extraLength: 0, name: e.name });
      expect(e.central).toEqual({
        ...stored,
        madeBy: 20,
        version: 20,
        date: e.local.date,
        extraLength: 0,
        commentLength: 0,
        disk: 0,
        internal: 0,
        external: 0,
        offset: next,
      });
      expect(e.data.toString('utf8').startsWith(XML_DECLARATION)).toBe(true);
      next = e.dataEnd;
    }
    expect(end).toEqual({
      disk: 0,
      directoryDisk: 0,
      entriesOnDisk: 5,
      entries: 5,
      directoryOffset: next,
      directorySize: bytes.length - 22 - next,
    });
    expect(directoryEnd).toBe(bytes.length - 22);
  });

  it('dates every entry 1980-01-01 00:00, so the same table gives the same bytes', () => {
    const bytes = toXlsx('2026-W48 T1', TABLE);
    expect(unzip(bytes).entries.map((e) => dosDate(e.local.date))).toEqual(PARTS.map(() => '1980-01-01'));
    expect(toXlsx('2026-W48 T1', TABLE).equals(bytes)).toBe(true);
    expect(toXlsx('2026-W48 T2', TABLE).equals(bytes)).toBe(false);
  });
});

describe('toXlsx: the package', () => {
  // read in each test: Stryker switches its mutants on per test
  const part = (name: string) => readXlsx(toXlsx('2026-W48 T1', TABLE)).parts.get(name)!;

  it('declares a content type for every part', () => {
    const types = part('[Content_Types].xml');
    expect(types.name).toBe('Types');
    expect(types.attributes).toEqual({ xmlns: 'http://schemas.openxmlformats.org/package/2006/content-types' });
    const byExtension = new Map(
      elements(types, 'Default').map((d) => [d.attributes.Extension, d.attributes.ContentType]),
    );
    const byPart = new Map(elements(types, 'Override').map((o) => [o.attributes.PartName, o.attributes.ContentType]));
    expect(types.children).toHaveLength(byExtension.size + byPart.size);
    const typeOf = (name: string) => byPart.get(`/${name}`) ?? byExtension.get(name.slice(name.lastIndexOf('.') + 1));
    expect(PARTS.slice(1).map(typeOf)).toEqual([
      'application/vnd.openxmlformats-package.relationships+xml',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
      'application/vnd.openxmlformats-package.relationships+xml',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
    ]);
    expect(byExtension.get('xml')).toBe('application/xml');
  });

  it('leads from the package to the workbook and from the workbook to its one sheet by relationships', () => {
    const root = part('_rels/.rels');
    expect([root.name, root.attributes]).toEqual(['Relationships', { xmlns: RELATIONSHIPS }]);
    expect(element(root, 'Relationship').attributes).toEqual({
      Id: 'rId1',
      Type: `${OFFICE_RELATIONSHIPS}/officeDocument`,
      Target: 'xl/workbook.xml',
    });
    const workbook = part('xl/workbook.xml');
    expect([workbook.name, workbook.attributes]).toEqual([
      'workbook',
      { xmlns: MAIN, 'xmlns:r': OFFICE_RELATIONSHIPS },
    ]);
    expect(workbook.children).toHaveLength(1);
    const sheet = element(element(workbook, 'sheets'), 'sheet');
    expect(sheet.attributes).toEqual({ name: '2026-W48 T1', sheetId: '1', 'r:id': 'rId1' });
    const rels = part('xl/_rels/workbook.xml.rels');
    expect([rels.name, rels.attributes]).toEqual(['Relationships', { xmlns: RELATIONSHIPS }]);
    expect(element(rels, 'Relationship').attributes).toEqual({
      Id: 'rId1',
      Type: `${OFFICE_RELATIONSHIPS}/worksheet`,
      Target: 'worksheets/sheet1.xml', // relative to xl/
    });
    const worksheet = part('xl/worksheets/sheet1.xml');
    expect([worksheet.name, worksheet.attributes]).toEqual(['worksheet', { xmlns: MAIN }]);
    expect(worksheet.children.map((c) => (typeof c === 'string' ? c : c.name))).toEqual(['sheetData']);
  });
});

describe('toXlsx: the cells', () => {
  it('writes text as inline strings and numbers as numbers, a row per row, leaving out empty cells', () => {
    const { rows, parts } = readXlsx(
      toXlsx('s', [['team', '', 600, null, -1.5, 0, Number.NaN, Infinity, '销售'], [], [null, 'x']]),
    );
    expect(rows).toEqual([
      {
        r: '1',
        cells: [
          { ref: 'A1', value: 'team' },
          { ref: 'B1', value: '' },
          { ref: 'C1', value: 600 },
          { ref: 'E1', value: -1.5 },
          { ref: 'F1', value: 0 },
          { ref: 'I1', value: '销售' },
        ],
      },
      { r: '2', cells: [] },
      { r: '3', cells: [{ ref: 'B3', value: 'x' }] },
    ]);
    expect(parts.has('xl/sharedStrings.xml')).toBe(false);
  });

  it('keeps a text’s leading and trailing spaces, tabs and line breaks', () => {
    const { rows, parts } = readXlsx(toXlsx('s', [['  padded  ', 'a\tb\nc']]));
    expect(rows[0]!.cells.map((c) => c.value)).toEqual(['  padded  ', 'a\tb\nc']);
    const [row] = elements(element(parts.get('xl/worksheets/sheet1.xml')!, 'sheetData'), 'row');
    const texts = elements(row!, 'c').map((c) => element(element(c, 'is'), 't'));
    expect(texts.map((t) => t.attributes)).toEqual([{ 'xml:space': 'preserve' }, { 'xml:space': 'preserve' }]);
    expect(texts.map(textOf)).toEqual(['  padded  ', 'a\tb\nc']);
  });

  it('escapes & < > and quotes, and drops the characters XML 1.0 cannot hold', () => {
    const odd = 'R&D <core> "A" ]]> it’s \'q\'';
    const controls = '\u0000a\u0001\u0008b\u000b\u000cc\u000e\u001fd\u007f\ufffe\uffff';
    const bytes = toXlsx('s', [[odd, controls, '&amp;']]);
    expect(readXlsx(bytes).rows[0]!.cells.map((c) => c.value)).toEqual([odd, 'abcd\u007f', '&amp;']);
    const sheet = unzip(bytes).entries[4]!.data.toString('utf8');
    expect(sheet).toContain("R&amp;D &lt;core&gt; &quot;A&quot; ]]&gt; it’s 'q'");
  });

  it('names columns past Z as a spreadsheet does: … Z, AA … AZ, BA … ZZ, AAA', () => {
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    const names = [...letters, ...letters.flatMap((a) => letters.map((b) => a + b)), 'AAA'];
    const { rows } = readXlsx(toXlsx('s', [names.map((_, i) => i), [], names]));
    expect(rows[0]!.cells.map((c) => c.ref)).toEqual(names.map((n) => `${n}1`));
    expect(rows[0]!.cells.map((c) => c.value)).toEqual(names.map((_, i) => i));
    expect(rows[2]!.cells.slice(-3)).toEqual([
      { ref: 'ZY3', value: 'ZY' },
      { ref: 'ZZ3', value: 'ZZ' },
      { ref: 'AAA3', value: 'AAA' },
    ]);
  });

  it('writes an empty table as a sheet without rows', () => {
    expect(readXlsx(toXlsx('s', [])).rows).toEqual([]);
  });
});

describe('toXlsx: the sheet’s name', () => {
  it('keeps Chinese, escapes & and quotes, cuts it to Excel’s 31 characters', () => {
    const name = '2026-W48 研发 & "A" <团队> 0123456789';
    expect(readXlsx(toXlsx(name, TABLE)).sheetName).toBe('2026-W48 研发 & "A" <团队> 01234567');
  });

  it('replaces the characters Excel refuses in a sheet name (\\ / ? * [ ] :) with a dash', () => {
    expect(readXlsx(toXlsx('a\\b/c?d*e[f]g:h', TABLE)).sheetName).toBe('a-b-c-d-e-f-g-h');
  });
});
