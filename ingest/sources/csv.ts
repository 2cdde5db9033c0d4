import { checkPosition, type PositionCheck, type TimeBounds } from '../../core/position.ts';

/** The columns a CSV import may have, named as in the position message; vehicle_type is optional. */
export const CSV_REQUIRED_COLUMNS = ['vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg'] as const;
const CSV_OPTIONAL_COLUMNS = ['vehicle_type'] as const;
const NUMERIC_COLUMNS = new Set(['lat', 'lon', 'speed_kmh', 'heading_deg']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface CsvLayout {
  readonly columns: readonly string[];
}

/** Reads the header line; returns the problem in words when it is not a usable header. */
export function parseCsvHeader(line: string): CsvLayout | { readonly problem: string } {
  const fields = splitCsvLine(line.replace(/^\uFEFF/, ''));
  if (!fields) return { problem: 'the header line has an unbalanced quote' };
  const columns = fields.map((f) => f.trim());
  const known: readonly string[] = [...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS];
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length > 0) return { problem: `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => JSON.stringify(c)).join(', ')}; the columns are ${known.join(', ')} (vehicle_type optional)` };
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) return { problem: `column ${JSON.stringify(repeated[0])} appears twice` };
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) return { problem: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header must name ${CSV_REQUIRED_COLUMNS.join(', ')}` };
  return { columns };
}

/** Validates one data line against the header, through the same checks as a JSON message. */
export function decodeCsvLine(layout: CsvLayout, line: string, bounds: TimeBounds): PositionCheck {
  const fields = splitCsvLine(line);
  if (!fields) return { ok: false, reason: 'not_an_object', detail: 'CSV line has an unbalanced quote' };
  if (fields.length !== layout.columns.length) {
    return { ok: false, reason: 'not_an_object', detail: `CSV line has ${fields.length} fields, the header has ${layout.columns.length}` };
  }
  const value: Record<string, string | number> = {};
  layout.columns.forEach((column, i) => {
    const field = fields[i]!;
    if (field === '') return;
    value[column] = NUMERIC_COLUMNS.has(column) && NUMBER.test(field) ? Number(field) : field;
  });
  return checkPosition(value, bounds);
}

/** Splits on commas with RFC 4180 quoting ("a,b" and doubled ""); undefined when a quote is left open. */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
