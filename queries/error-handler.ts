import type { FastifyError, FastifyInstance } from 'fastify';
import { FleetlakeError } from '../core/errors.ts';

interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/**
 * Every failure leaves as `{error, message}` with the status of its code in
 * core/errors.ts. Schema violations become API_BAD_REQUEST with a message
 * naming the field; unexpected errors are logged and answered 500 without
 * internals.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof FleetlakeError) {
      if (err.status >= 500) request.log.warn({ code: err.code, err: err.message }, 'query failed');
      return reply.status(err.status).send({ error: err.code, message: err.message });
    }
    if (err.validation) {
      const message = describeValidation(err.validation as ValidationIssue[], err.validationContext ?? 'request');
      return reply.status(400).send({ error: 'API_BAD_REQUEST', message });
    }
    // Fastify's own refusals (malformed JSON, body too large, wrong media type) keep their status.
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: 'API_BAD_REQUEST', message: err.message });
    }
    request.log.error({ err }, 'unexpected error');
    return reply.status(500).send({ error: 'INTERNAL', message: 'internal error; the server log has the details' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'API_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}; GET /docs lists the API` }),
  );
}

/** "limit must be >= 1", "area.type must be equal to one of the allowed values: Polygon, MultiPolygon", "unknown field vehicle_type". */
export function describeValidation(issues: readonly ValidationIssue[], context: string): string {
  const issue = issues[0];
  if (!issue) return `invalid ${context}`;
  const path = issue.instancePath.split('/').filter(Boolean).join('.');
  const where = path === '' ? (context === 'body' ? 'the body' : context) : path;
  const join = (name: unknown) => (path === '' ? String(name) : `${path}.${String(name)}`);
  switch (issue.keyword) {
    case 'required':
      return `${join(issue.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `unknown field ${join(issue.params.additionalProperty)} in ${context === 'body' ? 'the body' : `the ${context}`}`;
    case 'format':
      return issue.params.format === 'date-time' ? `${where} must be an RFC 3339 date-time such as 2025-01-01T10:00:00Z` : `${where} ${issue.message}`;
    case 'enum':
      return `${where} must be one of ${(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where} ${issue.message ?? 'is invalid'}`;
  }
}
