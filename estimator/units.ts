/**
 * Human-readable numbers for the table and the chart. Bytes use decimal
 * units (GB = 10⁹ bytes) like the unit prices they are multiplied with.
 */
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;
const COUNT_UNITS = ['', 'k', 'M', 'G', 'T'] as const;

/** The power of 1000 that keeps `n` between 1 and 1000 (0 for small numbers). */
export function thousandsExponent(n: number, max: number): number {
  if (!Number.isFinite(n) || Math.abs(n) < 1000) return 0;
  return Math.min(Math.floor(Math.log10(Math.abs(n)) / 3), max);
}

export function formatBytes(bytes: number): string {
  const e = thousandsExponent(bytes, BYTE_UNITS.length - 1);
  return `${significant(bytes / 1000 ** e, 4)} ${BYTE_UNITS[e]}`;
}

/** Bytes in a fixed unit (the chart's axis uses one unit for every tick). */
export function bytesIn(bytes: number, exponent: number): string {
  return `${significant(bytes / 1000 ** exponent)} ${BYTE_UNITS[exponent]}`;
}

/** 1234 → "1,234"; 172800000 → "172.8 M"; fractions keep three significant digits. */
export function formatCount(n: number): string {
  if (Math.abs(n) < 1e6) return Math.abs(n) >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString('en-US') : significant(n);
  const e = thousandsExponent(n, COUNT_UNITS.length - 1);
  return `${significant(n / 1000 ** e, 4)} ${COUNT_UNITS[e]}`;
}

export function formatMoney(amount: number, currency: string): string {
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

export function formatPercent(share: number): string {
  return `${significant(share * 100)}%`;
}

/** `digits` significant digits (three by default), without trailing zeros or exponent notation. */
export function significant(n: number, digits = 3): string {
  if (n === 0 || !Number.isFinite(n)) return String(n);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(n))));
  return Number(n.toFixed(Math.min(decimals, 6))).toLocaleString('en-US', { maximumFractionDigits: 6 });
}
