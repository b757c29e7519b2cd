export * from './planning.module';
