/**
 * The RFC 4180 reader (RFC 4180 §2: quoted fields may contain commas, line breaks and
 * doubled quotes; CRLF records), plus what spreadsheets really write: a UTF-8 BOM, ';'
 * delimiters with decimal commas (European locales), tabs, lone CR line ends, UTF-16.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decodeText, detectDelimiter, parseCsv } from '../../src/compare/csv.js';
import { TableReadError } from '../../src/compare/errors.js';
import { readNumberCell } from '../../src/compare/numbers.js';
import { readTable } from '../../src/compare/table.js';
import { put, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const cells = (text: string) => parseCsv(text, 't.csv').records.map((r) => r.cells);

describe('RFC 4180', () => {
  it('quotes, commas and line breaks inside quotes, doubled quotes, CRLF', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n1,,3\r\n';
    expect(cells(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\r\nlines'],
      ['1', '', '3'],
    ]);
  });

  it('row numbers are spreadsheet rows: a quoted line break does not add a row, blank lines do', () => {
    const recs = parseCsv('h1,h2\n"a\nb",1\n\nc,2\n', 't.csv').records;
    expect(recs.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(recs[2]!.cells).toEqual(['']);
  });

  it('LF, lone CR, no final newline; empty quoted field', () => {
    expect(cells('a,b\rc,d')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(cells('a,""\n')).toEqual([['a', '']]);
  });

  it('BOM dropped; UTF-16 LE decoded', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62]))).toBe('a,b');
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('TVD\t1,5', 'utf16le')]);
    expect(decodeText(u16)).toBe('TVD\t1,5');
  });

  it('an unclosed quote is an error naming the row', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n', 'bad.csv')).toThrow(TableReadError);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n', 'bad.csv')).toThrow(/bad\.csv: row 2, column B: a quoted cell .* never closed/);
  });

  it('text after a closing quote is an error naming row and column', () => {
    expect(() => parseCsv('a,b\n"x"y,2\n', 'bad.csv')).toThrow(/bad\.csv: row 2, column A: unexpected "y" after the closing quote/);
  });
});

describe('delimiter detection and decimal commas', () => {
  it('";" wins over "," when more frequent outside quotes (European export)', () => {
    expect(detectDelimiter('patient;site;TVD\nP1;1;12,5\n')).toBe(';');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
  });

  it('a ";" file reads decimal commas; a "," file refuses a quoted "12,5"', async () => {
    const dir = tempDir();
    const eu = await readTable(put(dir, 'eu.csv', '\ufeffpatient;timepoint;site;TVD\r\nP1;d1;1;12,5\r\n'));
    expect(eu.delimiter).toBe(';');
    expect(eu.decimalComma).toBe(true);
    expect(readNumberCell(eu.rows[0]!.cells[3]!, eu.decimalComma)).toEqual({ kind: 'number', value: 12.5 });
    const us = await readTable(put(dir, 'us.csv', 'patient,timepoint,site,TVD\nP1,d1,1,"12,5"\n'));
    expect(readNumberCell(us.rows[0]!.cells[3]!, us.decimalComma).kind).toBe('text');
  });

  it('missing markers are missing, not errors', () => {
    for (const s of ['', 'NA', 'n/a', '-', '.', '#N/A', 'NaN']) expect(readNumberCell(s, false).kind).toBe('missing');
    expect(readNumberCell(' 85 % ', false)).toEqual({ kind: 'number', value: 85 });
    expect(readNumberCell('1e-3', false)).toEqual({ kind: 'number', value: 0.001 });
    expect(readNumberCell('abc', false).kind).toBe('text');
  });

  it('a value beyond the header is an error naming its row and column letter', async () => {
    const dir = tempDir();
    await expect(readTable(put(dir, 'x.csv', 'a,b\n1,2,3\n'))).rejects.toThrow(/x\.csv: row 2, column C: /);
  });
});
