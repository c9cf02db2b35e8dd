import { isMethodName, methods } from '../../shared/api/contract.js';
import type { MethodName, MethodOutput, MethodParsedInput } from '../../shared/api/contract.js';
import { ApiError, describeIssues } from '../../shared/api/errors.js';
import { runAs, type Caller } from './call-context.js';

export type Handler<M extends MethodName> = (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]: Handler<M> };
export type PartialHandlers<K extends MethodName> = { [M in K]: Handler<M> };

export interface Router {
  /**
   * Validates the method name and input (nothing from a UI is trusted), then runs the handler as `caller`
   * (the UI connection it came from, so terminals know who is attached; see call-context.ts).
   */
  dispatch(method: unknown, input: unknown, caller?: Caller): Promise<unknown>;
}

export function createRouter(handlers: Handlers): Router {
  return {
    async dispatch(method, input, caller) {
      if (!isMethodName(method)) throw new ApiError('INVALID_INPUT', `Unknown API method ${JSON.stringify(method)}.`);
      const parsed = methods[method].input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = describeIssues(parsed.error, 'input');
        throw new ApiError('INVALID_INPUT', `Invalid input for ${method}: ${issues}`);
      }
      const handler = handlers[method] as (input: unknown) => unknown;
      return await runAs(caller, () => handler(parsed.data));
    },
  };
}
