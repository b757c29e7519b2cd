import { parse } from 'yaml';
import { cellText, colourStyle, detailView, plainStyle, render, styleFor, table, type Column } from './output';

const rows = [
  { id: 'a1', status: 'succeeded', components: ['payments-api@2.4.1', 'ledger@1.0.0'], progress: { outcome: 'succeeded' } },
  { id: 'b22222', status: 'failed', components: [], progress: undefined },
];
const columns: Column[] = [
  { header: 'id', cell: (r) => r.id },
  { header: 'status', cell: (r) => r.status },
  { header: 'components', cell: (r) => r.components },
  { header: 'progress', cell: (r) => r.progress },
];

describe('output', () => {
  it('prints a table as kubectl does: capital headers, columns two spaces apart, no trailing blanks', () => {
    expect(table(rows, columns)).toBe(
      [
        'ID      STATUS     COMPONENTS                       PROGRESS',
        'a1      succeeded  payments-api@2.4.1,ledger@1.0.0  {"outcome":"succeeded"}',
        'b22222  failed',
        '',
      ].join('\n'),
    );
  });

  it('prints only headers for no rows', () => expect(table([], columns)).toBe('ID  STATUS  COMPONENTS  PROGRESS\n'));

  it('writes cells: scalars as they are, lists of scalars joined, objects as JSON, nothing for null', () => {
    expect([cellText('x'), cellText(3), cellText(false), cellText(null), cellText(undefined), cellText([1, 'b']), cellText([{ a: 1 }])]).toEqual(['x', '3', 'false', '', '', '1,b', '[{"a":1}]']);
  });

  it('keeps a table cell on one line', () => expect(table([{ id: 'a\nb' }], [columns[0]])).toBe('ID\na b\n'));

  it('gives json and yaml of the data as the server answered it, whatever the table shows', () => {
    const view = { data: { deployments: rows }, rows, columns };
    expect(JSON.parse(render(view, 'json'))).toEqual(JSON.parse(JSON.stringify({ deployments: rows })));
    expect(parse(render(view, 'yaml'))).toEqual(JSON.parse(JSON.stringify({ deployments: rows })));
    expect(render(view, 'table')).toBe(table(rows, columns));
  });

  it('shows one thing field by field, leaving out what it lacks', () => {
    const view = detailView({ deploymentId: 'd1', status: 'planned', rejection: undefined }, ['deploymentId', 'status', 'rejection']);
    expect(render(view, 'table')).toBe('FIELD         VALUE\ndeploymentId  d1\nstatus        planned\n');
    expect(view.data).toEqual({ deploymentId: 'd1', status: 'planned', rejection: undefined });
  });

  it('colours headers and statuses only on a terminal without NO_COLOR', () => {
    expect(styleFor({ isTTY: true }, {})).toBe(colourStyle);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '' })).toBe(plainStyle);
    expect(styleFor({ isTTY: false }, {})).toBe(plainStyle);
    const coloured = table(rows, columns, colourStyle);
    expect(coloured).toContain('\u001b[1mID\u001b[0m');
    expect(coloured).toContain('\u001b[32msucceeded\u001b[0m');
    expect(coloured).toContain('\u001b[31mfailed\u001b[0m');
    expect(render(detailView({ status: 'failed' }, ['status']), 'table', colourStyle)).toContain('\u001b[31mfailed\u001b[0m');
  });
});
