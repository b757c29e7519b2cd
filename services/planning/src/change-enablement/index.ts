export { itsmChangesConsumer } from './itsm-changes.consumer';
