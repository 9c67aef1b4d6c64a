import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../console/src/csv.ts';
import { previewCsv } from '../../console/src/watchlist-csv.ts';

// The operations console's CSV: the watch-list file read in the browser and the reports exported.

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text =
      '\uFEFFkind,value,reason\r\nPHONE,"0912 345 678","Scam, ""urgent""\nsecond line"\r\n\r\nWALLET,01ABC,x';
    expect(parseCsv(text)).toEqual([
      ['kind', 'value', 'reason'],
      ['PHONE', '0912 345 678', 'Scam, "urgent"\nsecond line'],
      ['WALLET', '01ABC', 'x'],
    ]);
  });
});

describe('toCsv', () => {
  it('quotes what needs it and defuses cells a spreadsheet would run as a formula', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['=HYPERLINK("x")', -5],
          ['say "hi", ok', '@sum'],
        ],
      ),
    ).toBe('a,b\r\n"\'=HYPERLINK(""x"")",-5\r\n"say ""hi"", ok",\'@sum\r\n');
  });
});

describe('previewCsv (the watch-list import)', () => {
  it('maps columns by their header, in any order, and shows what the server would refuse', () => {
    const rows = previewCsv(
      'severity,kind,value,source,reason\nBLOCK,PHONE,0912345678,INTERNAL,ok\nMAYBE,CAR,,NOWHERE,\n',
    );
    expect(rows[0]).toMatchObject({
      line: 2,
      problems: [],
      entry: { kind: 'PHONE', value: '0912345678', severity: 'BLOCK', source: 'INTERNAL', reason: 'ok' },
    });
    expect(rows[1]!.entry).toBeUndefined();
    expect(rows[1]!.problems).toHaveLength(5);
  });

  it('refuses a file without the five columns, and more than 1,000 entries', () => {
    expect(previewCsv('kind,value\nPHONE,1\n')[0]!.problems[0]).toContain(
      'missing column(s): severity, source, reason',
    );
    const many = [
      'kind,value,severity,source,reason',
      ...Array.from({ length: 1001 }, (_, i) => `WALLET,W${i},WARN,INTERNAL,r`),
    ];
    const rows = previewCsv(many.join('\n'));
    expect(rows).toHaveLength(1001);
    expect(rows[1000]!.problems).toEqual(['at most 1,000 entries a file']);
  });
});
