/**
 * A use case's refusal, with a code the transport maps (tRPC error code / HTTP
 * status) and optional structured details (e.g. compile errors).
 */
export type ServiceErrorCode = 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT' | 'FORBIDDEN';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string, id: string): ServiceError => new ServiceError('NOT_FOUND', `${what} "${id}" does not exist`);
