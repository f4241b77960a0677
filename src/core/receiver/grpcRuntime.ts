/**
 * The grpc-js runtime, as its own bundle (`dist/grpc.js`, see esbuild.mjs): the extension bundle
 * loads it on the first gRPC `start()` (`import('./grpcRuntime')` in otlpGrpcReceiver.ts), so
 * ~400 kB of grpc-js is neither parsed nor evaluated while the extension host activates us.
 */
export * from '@grpc/grpc-js';
