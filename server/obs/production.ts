/**
 * `npm start` serves production: imported first by server/main.ts, before any
 * module that reads NODE_ENV at import (tRPC decides then whether error
 * responses carry stacks; Express whether its pages show them). An explicit
 * NODE_ENV is kept, so `NODE_ENV=development npm start` still debugs.
 */
process.env.NODE_ENV ??= 'production';
