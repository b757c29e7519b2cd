export { AuditGrpc } from './audit.grpc';
