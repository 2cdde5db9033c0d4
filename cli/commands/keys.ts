import { readFileSync } from 'node:fs';
import { openClickHouse } from '../../core/clickhouse.ts';
import { parseDuration, DURATION_HELP } from '../../core/duration.ts';
import { errorMessage } from '../../core/errors.ts';
import { checkArea, type MultiPolygonCoords } from '../../core/geojson.ts';
import { createApiKey, isActive, listApiKeys, revokeApiKey, type ApiKey } from '../../queries/auth/api-key-store.ts';
import { addToVehicleGroup } from '../../queries/auth/vehicle-groups.ts';
import { parseScopes, SCOPES } from '../../queries/auth/scopes.ts';
import { checkLakeSchema } from '../../queries/lake-check.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'create, list and revoke the query API keys (fleet.api_keys)',
  help: `Usage: fleetlake keys create --name NAME --scopes read,live,devices,admin
                            [--expires 90d] [--group GROUP] [--area FILE.geojson]
       fleetlake keys list
       fleetlake keys revoke NAME|ID
       fleetlake keys group GROUP --vehicles ID,ID,...

create  makes a key and prints it once: only a salted scrypt hash is stored,
        so a lost key cannot be shown again (revoke it and create another).
          --scopes   ${SCOPES.join(', ')} (comma-separated): read = history,
                     tracks, area queries, heatmaps, counts; live = latest
                     positions and live streams; devices = the device
                     registry and commands; admin = keys, districts, erasure
          --expires  lifetime, ${DURATION_HELP}; default: until revoked
          --group    the key sees only the vehicles of GROUP (keys group)
          --area     the key sees only positions inside this GeoJSON Polygon
                     or MultiPolygon (a geometry or a Feature)
list    prints every key: name, id, scopes, restriction, created, expiry, state.
revoke  revokes the active keys with that name or id; the API refuses them
        within 10 s (keys are cached that long).
group   adds vehicles to a group (fleet.vehicle_groups).

The API asks for a key as 'Authorization: Bearer <key>' on every /v1 route
when api.auth is required (always on a non-loopback api.host). See
docs/security.md for rotation.`,
  async run(ctx) {
    const { positionals, values } = parseCommandArgs(
      'keys',
      ctx.argv,
      { name: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' }, group: { type: 'string' }, area: { type: 'string' }, vehicles: { type: 'string' } },
      true,
    );
    const [action, target, ...extra] = positionals;
    if (extra.length > 0) throw usageError('keys', `unexpected arguments: ${extra.join(' ')}`);
    const config = ctx.loadConfig();
    const now = Date.now();
    const request = parseAction(action, target, values, now);
    const ch = openClickHouse(config);
    try {
      await checkLakeSchema(ch.client);
      switch (request.action) {
        case 'create': {
          const { key, record } = await createApiKey(ch.client, { ...request.options, now });
          ctx.stdout.write(`${key}\n`);
          ctx.stderr.write(`created API key ${record.name} (${record.id}) with scopes ${record.scopes.join(',')}${restriction(record)}; it is shown only this once\n`);
          return 0;
        }
        case 'list': {
          const keys = await listApiKeys(ch.client);
          for (const key of keys) ctx.stdout.write(`${describeKey(key, now)}\n`);
          if (keys.length === 0) ctx.stdout.write("no API keys: create one with 'fleetlake keys create --name NAME --scopes read'\n");
          return 0;
        }
        case 'revoke': {
          const revoked = await revokeApiKey(ch.client, request.target, now);
          if (revoked.length === 0) {
            ctx.stderr.write(`no active API key is named or has the id ${request.target}; 'fleetlake keys list' shows them\n`);
            return 1;
          }
          for (const key of revoked) ctx.stdout.write(`revoked ${key.name} (${key.id})\n`);
          return 0;
        }
        case 'group': {
          await addToVehicleGroup(ch.client, request.group, request.vehicles);
          ctx.stdout.write(`group ${request.group}: added ${request.vehicles.length} vehicles\n`);
          return 0;
        }
      }
    } finally {
      await ch.close();
    }
  },
};

type Request =
  | { action: 'create'; options: { name: string; scopes: ReturnType<typeof parseScopes> & {}; expiresAt?: number; vehicleGroup?: string; area?: MultiPolygonCoords } }
  | { action: 'list' }
  | { action: 'revoke'; target: string }
  | { action: 'group'; group: string; vehicles: string[] };

function parseAction(action: string | undefined, target: string | undefined, values: Record<string, string | undefined>, now: number): Request {
  switch (action) {
    case 'create': {
      if (target !== undefined) throw usageError('keys', `create takes no positional argument (${target}); give --name`);
      const name = values.name?.trim();
      if (!name || !/^[\w.@-]{1,64}$/.test(name)) throw usageError('keys', 'create needs --name NAME (letters, digits, . _ @ -, at most 64)');
      const scopes = values.scopes === undefined ? undefined : parseScopes(values.scopes);
      if (!scopes) throw usageError('keys', `create needs --scopes, a comma-separated list of ${SCOPES.join(', ')}`);
      let expiresAt: number | undefined;
      if (values.expires !== undefined) {
        const lifetime = parseDuration(values.expires);
        if (!lifetime || lifetime.ms <= 0 || lifetime.ms > parseDuration('100y')!.ms) throw usageError('keys', `--expires ${values.expires} is not a lifetime: expected ${DURATION_HELP}, at most 100y`);
        expiresAt = now + lifetime.ms;
      }
      const group = values.group;
      if (group !== undefined && !/^[\w.@-]{1,64}$/.test(group)) throw usageError('keys', `--group ${group} is not a group name`);
      return {
        action,
        options: {
          name,
          scopes,
          ...(expiresAt !== undefined ? { expiresAt } : {}),
          ...(group !== undefined ? { vehicleGroup: group } : {}),
          ...(values.area !== undefined ? { area: readArea(values.area) } : {}),
        },
      };
    }
    case 'list':
      if (target !== undefined) throw usageError('keys', 'list takes no argument');
      return { action };
    case 'revoke':
      if (target === undefined) throw usageError('keys', 'revoke needs the name or id of a key');
      return { action, target };
    case 'group': {
      const vehicles = (values.vehicles ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
      if (target === undefined || vehicles.length === 0) throw usageError('keys', 'group needs a group name and --vehicles ID,ID,...');
      return { action, group: target, vehicles };
    }
    default:
      throw usageError('keys', `give an action, create, list, revoke or group${action ? `, not ${JSON.stringify(action)}` : ''}`);
  }
}

function readArea(file: string): MultiPolygonCoords {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw usageError('keys', `--area ${file}: ${errorMessage(err)}`);
  }
  const geometry = (value as { type?: unknown; geometry?: unknown }).type === 'Feature' ? (value as { geometry: unknown }).geometry : value;
  const checked = checkArea(geometry, file);
  if (!checked.ok) throw usageError('keys', `--area ${checked.message}`);
  return checked.polygons;
}

function restriction(key: ApiKey): string {
  const parts = [key.vehicleGroup ? `group ${key.vehicleGroup}` : '', key.area ? 'an area' : ''].filter(Boolean);
  return parts.length > 0 ? `, restricted to ${parts.join(' and ')}` : '';
}

function describeKey(key: ApiKey, now: number): string {
  const state = key.revokedAt !== undefined ? 'revoked' : isActive(key, now) ? 'active' : 'expired';
  const day = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
  return [key.name, key.id, key.scopes.join(','), restriction(key).replace(/^, restricted to /, '') || 'unrestricted', day(key.createdAt), day(key.expiresAt), state].join('\t');
}
