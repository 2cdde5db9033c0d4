/**
 * What an API key may do. Every /v1 route declares the one scope it needs as
 * a route option, `config: { scope: 'read' }`, which the auth hook checks
 * (queries/auth/auth-hook.ts); a /v1 route without one fails at boot.
 *   read     history: area queries, tracks, heatmaps, district counts
 *   live     latest positions and live streams
 *   devices  the gateway's device registry and commands
 *   admin    keys, districts, erasure
 */
export const SCOPES = ['read', 'live', 'devices', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** `public` marks a /v1 route that needs no key at all (the all-in-one's status). */
export type RouteScope = Scope | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: RouteScope;
  }
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** `read,live` → ['read', 'live']; undefined when a name is not a scope. */
export function parseScopes(text: string): Scope[] | undefined {
  const names = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (names.length === 0 || !names.every(isScope)) return undefined;
  return SCOPES.filter((s) => names.includes(s));
}
