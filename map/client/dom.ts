/** The element with this id, which the page must have. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** 'YYYY-MM-DDTHH:MM:SS' for a datetime-local input that the page reads as UTC. */
export function toInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function fromInputValue(value: string): number {
  return Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
}

/** '2025-03-03 06:15:00' in UTC: short enough for a table cell, still unambiguous. */
export function shortTime(iso: string | number): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}
