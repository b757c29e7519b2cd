export * from './model-review.module';
