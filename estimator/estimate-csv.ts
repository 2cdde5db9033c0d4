import type { Estimate } from './estimate.ts';

/**
 * `--format csv`: one figure per line, `key,year,value`, in the JSON's key
 * order. Nested keys are joined with dots (area_query.rows_scanned); the
 * per-year lists put their year in the year column, so a spreadsheet pivot
 * or `grep storage_bytes_by_year.total_bytes` gives the growth table.
 */
export function renderEstimateCsv(e: Estimate): string {
  const lines = ['key,year,value'];
  const emit = (key: string, year: string, value: unknown) => lines.push(`${csvCell(key)},${year},${csvCell(formatValue(value))}`);

  const walk = (prefix: string, value: unknown, year: string) => {
    if (Array.isArray(value) && value.every(isYearRow)) {
      for (const row of value) walk(prefix, omitYear(row), String(row.year));
    } else if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix === '' ? k : `${prefix}.${k}`, v, year);
    } else {
      emit(prefix, year, value);
    }
  };
  walk('', e, '');
  return lines.join('\n') + '\n';
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(';');
  return String(value);
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isYearRow(v: unknown): v is { year: number } & Record<string, unknown> {
  return isRecord(v) && typeof v.year === 'number';
}

function omitYear(row: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...row };
  delete rest.year;
  return rest;
}
