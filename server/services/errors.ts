import { serverMessageText, type ParamsOf, type ServerMessage, type ServerMessageCode } from '../../shared/i18n/serverMessages';

/**
 * A use case's refusal, with a code the transport maps (tRPC error code / HTTP
 * status) and optional structured details (e.g. compile errors).
 */
export type ServiceErrorCode = 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHORIZED';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: unknown,
    /** the message by its stable code and params, which the client words in the reader's language (shared/i18n/serverMessages.ts) */
    readonly messageRef?: ServerMessage,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** A refusal by its stable message code: its message is the code's English, and the client words the code in the reader's language. */
export function refuse<C extends ServerMessageCode>(status: ServiceErrorCode, code: C, params: ParamsOf<C>, details?: unknown): ServiceError {
  return new ServiceError(status, serverMessageText(code, params), details, { code, params: params as ServerMessage['params'] });
}

export const notFound = (what: ParamsOf<'not_found'>['what'], id: string): ServiceError => refuse('NOT_FOUND', 'not_found', { what, id });
