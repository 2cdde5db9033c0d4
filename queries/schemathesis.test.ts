import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchemathesis } from '../test-support/schemathesis.ts';
import { createApiKey } from './auth/api-key-store.ts';
import { SCOPES } from './auth/scopes.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

/**
 * schemathesis generates requests from the OpenAPI document, valid and
 * invalid, for every operation, with a key holding every scope: no answer may
 * be a server error, carry a status the document does not list, or break its
 * response schema. The API runs for real (listening on loopback) on an
 * embedded lake with data.
 */
describe('the OpenAPI document under schemathesis', () => {
  let t: ApiTestLake;
  let app: FastifyInstance;
  let base: string;
  let key: string;
  const reports = mkdtempSync(join(tmpdir(), 'fleetlake-schemathesis-'));

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 10, hours: 2 });
    // Limits off: 429s are documented, but they would only hide the other answers.
    app = await t.buildApp({ auth: 'required', rate_limit: 0, max_concurrent_queries: 1000 });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    key = (await createApiKey(t.lake.ch.client, { name: 'fuzzer', scopes: SCOPES, now: t.nowMs - 1000 })).key;
  }, 600_000);
  afterAll(async () => {
    await t?.close();
    rmSync(reports, { recursive: true, force: true });
  });

  it('finds no server error, no undocumented status and no schema violation in any operation', async () => {
    const st = await ensureSchemathesis();
    const junit = join(reports, 'junit.xml');
    const args = [
      'run', `${base}/openapi.json`,
      '--checks', 'not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance',
      '--header', `Authorization: Bearer ${key}`,
      '--max-examples', '50',
      '--seed', '1',
      '--workers', '1',
      '--request-timeout', '30',
      '--no-color',
      '--report', 'junit',
      '--report-junit-path', junit,
    ];
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(st, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
      });
    });
    expect(result.code, result.output).toBe(0);
    const report = readFileSync(junit, 'utf8');
    // Every operation of the document was exercised.
    expect([...report.matchAll(/<testcase /g)].length).toBeGreaterThanOrEqual(10);
  }, 900_000);
});
