/**
 * Market Pulse over HTTP: {@link createApp} builds the Hono app of core's services (one more host
 * of the same services as the CLI), with its OpenAPI 3.1 document at `/openapi.json` and a docs
 * page at `/docs` whose assets the app serves itself.
 *
 * @module @market-pulse/http
 */

export { ACCESS_TABLE, type Access, accessOf, PUBLIC_PAGES, reaches } from './access-table.js';
export {
  type AccountHost,
  type AccountServices,
  accountServicesOf,
  bearerAuthentication,
  sourceOf,
} from './account-services.js';
export { API_INFO, createApp } from './app.js';
export type {
  AccessLogger,
  AppDependencies,
  AppEnv,
  BodyLimits,
  ParsedUpload,
} from './dependencies.js';
export { EXPENSIVE_ACTIONS } from './expensive-actions.js';
export { lambdaApiHandler, lambdaScheduleHandler, type ScheduledCheck } from './lambda.js';
export {
  createLambdaHandlers,
  type LambdaHandlers,
  type LambdaHandlersOptions,
} from './lambda-host.js';
export { appDependenciesOf, maskSecrets, type NodeAppOptions } from './node-app.js';
export { listen, type RunningServer } from './node-server.js';
export { ANONYMOUS_PRINCIPAL } from './operations.js';
export { type ErrorBody, STATUS_OF_CODE } from './problems.js';
