import { OpenAPIHono, type RouteConfig, type RouteHandler, z } from '@hono/zod-openapi';
import { LOCAL_PRINCIPAL, type Principal, UNRESTRICTED_READ_SCOPE } from '@market-pulse/core';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { accessOf, reaches } from './access-table.js';
import type { AppDependencies, AppEnv } from './dependencies.js';
import { expensiveActionLimit } from './expensive-actions.js';
import { HttpProblem, requestProblem } from './problems.js';

/** The `{"error":{…}}` body, as documented. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_ERROR' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

/** A JSON response of `schema`, as a route documents it. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A JSON request body of `schema` (required). */
export const jsonBody = <T extends z.ZodType>(schema: T, description: string) => ({
  body: { description, required: true, content: { 'application/json': { schema } } },
});

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The error responses every operation may give (SPEC §13), documented on each. */
const ERROR_RESPONSES = {
  400: errorResponse('The request does not match its schema (the details name each field)'),
  401: errorResponse('Not authenticated'),
  403: errorResponse('Not allowed'),
  404: errorResponse('Not found'),
  409: errorResponse('Conflict with the stored state'),
  412: errorResponse('If-Match names a version that is not the current one'),
  413: errorResponse('The body is larger than the limit'),
  415: errorResponse('The body is not of a content type the operation accepts'),
  422: errorResponse('Well-formed but semantically invalid'),
  429: errorResponse('Too many requests: wait the seconds Retry-After names'),
  500: errorResponse('Internal error (no internals; the request id names it in the log)'),
} as const;

const DEFAULT_JSON_BYTES = 1024 * 1024;
/** Room for a multipart envelope around an upload at the size limit. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** A sub-app whose request validation failures become 400s naming each field. */
export function area(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw requestProblem(result.target, result.error.issues);
    },
  });
}

/** The media types an operation's request body may have (none: it takes no body). */
function mediaTypesOf(route: RouteConfig): string[] {
  const body = route.request?.body;
  return body ? Object.keys(body.content) : [];
}

/** A request body of another media type than the operation takes: 415. */
function contentTypeCheck(accepted: readonly string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody =
      (c.req.header('content-length') ?? '0') !== '0' ||
      c.req.header('transfer-encoding') !== undefined;
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (accepted.length > 0 && (hasBody || type !== '') && !accepted.includes(type))
      throw new HttpProblem(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `send the body as ${accepted.join(' or ')}${type ? ` (got ${type})` : ' (no Content-Type given)'}`,
        { accepted, received: type || null },
      );
    await next();
  };
}

/** The principal of a public operation's request: no credentials are read there. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  kind: 'local',
  id: 'anonymous',
  actor: 'anonymous',
  role: 'viewer',
  assetClasses: Object.freeze([]),
  clo: null,
});

/** 401 for a request without credentials (the onError hook adds `WWW-Authenticate`). */
const notSignedIn = () =>
  new HttpProblem(
    401,
    'UNAUTHENTICATED',
    'sign in: send Authorization: Bearer <access token from POST /api/auth/login, or an API key mpk_…>',
  );

/**
 * Who calls, whether they may (the access table, or `deps.authorize`) and what they may see.
 * Public operations read no credentials; the others need a principal (401 without one, 403 when
 * the role does not reach the operation). Throws at build for an unclassified operation.
 */
function access(deps: AppDependencies, operationId: string): MiddlewareHandler<AppEnv> {
  const required = accessOf(operationId);
  const authorize = deps.authorize ?? ((principal: Principal) => reaches(principal, required));
  return async (c, next) => {
    if (required === 'public') {
      c.set('principal', deps.authenticate ? ANONYMOUS_PRINCIPAL : LOCAL_PRINCIPAL);
      c.set('scope', UNRESTRICTED_READ_SCOPE);
      return next();
    }
    const principal = deps.authenticate ? await deps.authenticate(c.req.raw) : LOCAL_PRINCIPAL;
    if (!principal) throw notSignedIn();
    if (!(await authorize(principal, operationId)))
      throw new HttpProblem(
        403,
        'FORBIDDEN',
        `${principal.actor} (role ${principal.role}) may not ${operationId}: it needs the ${required} role`,
        { operationId, required },
      );
    c.set('principal', principal);
    c.set('scope', deps.scopeOf ? await deps.scopeOf(principal) : UNRESTRICTED_READ_SCOPE);
    await next();
  };
}

/** An operation as the app registers it: with summary, tag and id required. */
export type Operation = RouteConfig & { operationId: string; summary: string; tags: string[] };

/**
 * Completes an operation in one place: its documented error responses, its body limit (413),
 * its content types (415), and who calls it (principal, authorisation by `operationId`).
 */
export function operationsOf(deps: AppDependencies) {
  const jsonLimit = deps.limits.jsonBytes ?? DEFAULT_JSON_BYTES;
  return function operation<R extends Operation>(route: R): R {
    const types = mediaTypesOf(route);
    const maxSize = types.includes('multipart/form-data')
      ? deps.limits.uploadBytes + MULTIPART_OVERHEAD
      : jsonLimit;
    const limit = bodyLimit({
      maxSize,
      onError: () => {
        throw new HttpProblem(
          413,
          'PAYLOAD_TOO_LARGE',
          `the body is larger than ${maxSize} bytes, this operation's limit`,
          { limitBytes: maxSize },
        );
      },
    });
    // A query parameter the operation does not know is refused (400), not ignored: a typo
    // (`?limt=5`) must not silently return something else.
    const query = route.request?.query as z.ZodObject | undefined;
    return {
      ...route,
      request: { ...route.request, query: query ? query.strict() : z.strictObject({}) },
      responses: { ...ERROR_RESPONSES, ...route.responses },
      middleware: [
        access(deps, route.operationId),
        ...expensiveActionLimit(deps, route.operationId),
        contentTypeCheck(types),
        ...(types.length ? [limit] : []),
      ],
    } as R;
  };
}

/** A path of the first implementation (SPEC §13) that answers as a new operation. */
export interface LegacyPath {
  path: string;
  operationId: string;
}

/**
 * Registers an operation and its first-implementation paths: each answers exactly as the new
 * operation (same handler, same schemas) and is documented as deprecated, naming the new path.
 */
export function withLegacyPaths<R extends Operation>(
  app: OpenAPIHono<AppEnv>,
  legacy: readonly LegacyPath[],
  route: R,
  handler: RouteHandler<R, AppEnv>,
): void {
  app.openapi(route, handler);
  for (const { path, operationId } of legacy) {
    // The alias runs the new operation's checks, so the table must classify it alike.
    if (accessOf(operationId) !== accessOf(route.operationId))
      throw new Error(
        `${operationId} answers as ${route.operationId}: classify it alike in the access table`,
      );
    app.openapi(
      {
        ...route,
        path,
        operationId,
        deprecated: true,
        summary: `${route.summary} — the first implementation's path; use ${route.method.toUpperCase()} ${route.path}`,
        tags: ['legacy'],
      } as R,
      handler,
    );
  }
}
