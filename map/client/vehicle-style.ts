/** One colour per generator vehicle type; other types are grey-blue. */
export const TYPE_COLOURS: Readonly<Record<string, string>> = { bike: '#2a9d8f', car: '#1c6dd0', van: '#e07a1f', truck: '#b5179e' };
export const OTHER_COLOUR = '#5b6b7f';
export const STALE_COLOUR = '#b8bec6';
/** The types by index, as live-state.ts packs them for the GPU; any other type is TYPE_ORDER.length. */
export const TYPE_ORDER: readonly string[] = Object.keys(TYPE_COLOURS);
/** From this zoom on, vehicles are arrows showing their heading. */
export const HEADING_ZOOM = 13;
