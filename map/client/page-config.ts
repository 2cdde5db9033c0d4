import type { PageConfig } from '../../queries/routes/map-page.ts';

/** What the server wrote into the page. */
export function readPageConfig(): PageConfig {
  return JSON.parse(document.getElementById('page-config')?.textContent ?? '{}') as PageConfig;
}
