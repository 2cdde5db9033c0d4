import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { FleetlakeError, errorMessage } from '../core/errors.ts';

interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/**
 * Every failure leaves as `{error, message, request_id}` with the status of
 * its code in core/errors.ts. Schema violations become API_BAD_REQUEST with a
 * message naming the field. Whatever a client must not read (ClickHouse's own
 * text, stack traces) goes to the log under the request id instead, and the
 * body says so.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof FleetlakeError) {
      if (err.status >= 500) request.log.warn({ code: err.code, err: err.message, cause: describeCause(err.cause) }, 'request failed');
      return sendError(reply, err.status, err.code, err.publicMessage);
    }
    if (err.validation) {
      const message = describeValidation(err.validation as ValidationIssue[], err.validationContext ?? 'request');
      return sendError(reply, 400, 'API_BAD_REQUEST', message);
    }
    const framework = frameworkError(err, app.initialConfig.bodyLimit ?? 0);
    if (framework) return sendError(reply, framework.status, framework.code, framework.publicMessage);
    request.log.error({ err }, 'unexpected error');
    return sendError(reply, 500, 'INTERNAL', 'internal error; the server log has the details under this request_id');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; GET /docs lists the API`),
  );
}

/** The one place an error body is built. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).header('x-request-id', reply.request.id).send({ error: code, message, request_id: reply.request.id });
}

/**
 * Fastify's own refusals, in the API's codes: its bodies would name Fastify
 * internals (FST_ERR_…) and its 414 would not even carry a request id.
 * Called by the error handler and, for errors raised before routing (a path
 * parameter past maxParamLength, a malformed URL), by `frameworkErrors`.
 */
export function frameworkError(err: FastifyError, bodyLimit: number): FleetlakeError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FleetlakeError('API_PAYLOAD_TOO_LARGE', { max: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new FleetlakeError('API_UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new FleetlakeError('API_URI_TOO_LONG', { max: MAX_PARAM_LENGTH });
    case 'FST_ERR_BAD_URL':
      return new FleetlakeError('API_BAD_REQUEST', { detail: 'the URL is not valid (a malformed percent-encoding?)' });
    default:
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        // Malformed or empty JSON and the like: Fastify's message names the fault without internals.
        return new FleetlakeError('API_BAD_REQUEST', { detail: err.message });
      }
      return undefined;
  }
}

/** Longest path parameter the router accepts (Fastify's maxParamLength); longer ones get a 414. */
export const MAX_PARAM_LENGTH = 100;

function describeCause(cause: unknown): string | undefined {
  return cause === undefined ? undefined : errorMessage(cause);
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
