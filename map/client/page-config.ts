/** What the server writes into the page (queries/routes/map-page.ts PageConfig). */
export interface PageConfig {
  readonly styleUrl: string;
  readonly staleAfterMs: number;
  readonly movingThresholdKmh: number;
  readonly maxPeriodMs: number;
  readonly vehicleTypes: readonly string[];
}

export function readPageConfig(): PageConfig {
  return JSON.parse(document.getElementById('page-config')?.textContent ?? '{}') as PageConfig;
}
