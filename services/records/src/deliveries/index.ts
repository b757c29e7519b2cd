export { MarkedDeliveries, type DeliveryLedger, type DeliveryOptions, type Destination } from './marked-deliveries';
