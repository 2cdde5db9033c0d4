import type { YearStorage } from './storage-model.ts';
import { bytesIn, formatBytes, thousandsExponent } from './units.ts';

/**
 * `--chart storage.svg`: storage by tier at the end of each year as stacked
 * bars (hot at the bottom, cold above, the total written on top). Plain SVG
 * text so it needs no dependency and diffs well; it renders in any browser.
 */
export interface ChartLabels {
  readonly title: string;
  readonly hot: string;
  readonly cold: string;
}

const W = 760;
const H = 440;
const M = { left: 90, right: 24, top: 78, bottom: 56 };
const COLORS = { hot: '#d9480f', cold: '#1c7ed6', axis: '#343a40', grid: '#dee2e6' };

export function renderStorageChart(years: readonly YearStorage[], labels: ChartLabels): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const { ticks, top } = axisTicks(Math.max(0, ...years.map((y) => y.total_bytes)));
  const exponent = thousandsExponent(top, 6);
  const y = (bytes: number) => M.top + plotH - (top === 0 ? 0 : (bytes / top) * plotH);
  const slot = plotW / Math.max(1, years.length);
  const barW = Math.min(64, slot * 0.6);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold" fill="${COLORS.axis}">${xml(labels.title)}</text>`,
    legendItem(M.left, 46, COLORS.hot, labels.hot),
    legendItem(M.left + 300, 46, COLORS.cold, labels.cold),
  ];
  for (const tick of ticks) {
    const ty = y(tick);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${f(ty)}" y2="${f(ty)}" stroke="${COLORS.grid}"/>`,
      `<text x="${M.left - 8}" y="${f(ty + 4)}" text-anchor="end" fill="${COLORS.axis}">${xml(bytesIn(tick, exponent))}</text>`,
    );
  }
  years.forEach((year, i) => {
    const x = M.left + slot * i + (slot - barW) / 2;
    const hotTop = y(year.hot_bytes);
    const totalTop = y(year.total_bytes);
    parts.push(
      `<rect x="${f(x)}" y="${f(hotTop)}" width="${f(barW)}" height="${f(y(0) - hotTop)}" fill="${COLORS.hot}"><title>year ${year.year} hot: ${formatBytes(year.hot_bytes)}</title></rect>`,
      `<rect x="${f(x)}" y="${f(totalTop)}" width="${f(barW)}" height="${f(hotTop - totalTop)}" fill="${COLORS.cold}"><title>year ${year.year} cold: ${formatBytes(year.cold_bytes)}</title></rect>`,
      `<text x="${f(x + barW / 2)}" y="${f(totalTop - 6)}" text-anchor="middle" fill="${COLORS.axis}">${xml(formatBytes(year.total_bytes))}</text>`,
      `<text x="${f(x + barW / 2)}" y="${f(y(0) + 18)}" text-anchor="middle" fill="${COLORS.axis}">${year.year}</text>`,
    );
  });
  parts.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${f(y(0))}" stroke="${COLORS.axis}"/>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(0))}" y2="${f(y(0))}" stroke="${COLORS.axis}"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle" fill="${COLORS.axis}">end of year of operation</text>`,
    `<text transform="translate(20 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="${COLORS.axis}">bytes on disk (decimal units)</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}

/** Round ticks (1, 2 or 5 × 10ⁿ apart) from zero to just above `max`. */
export function axisTicks(max: number): { ticks: number[]; top: number } {
  if (max <= 0) return { ticks: [0], top: 0 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const count = Math.ceil(max / step - 1e-9);
  const ticks = Array.from({ length: count + 1 }, (_, i) => i * step);
  return { ticks, top: count * step };
}

function legendItem(x: number, y: number, color: string, text: string): string {
  return `<rect x="${x}" y="${y - 10}" width="14" height="14" fill="${color}"/><text x="${x + 20}" y="${y + 1}" fill="${COLORS.axis}">${xml(text)}</text>`;
}

const f = (n: number) => String(Math.round(n * 10) / 10);

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
