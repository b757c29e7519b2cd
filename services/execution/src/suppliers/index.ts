export { supplierDecider, type Supplier } from './supplier.decider';
export { runOutsideSupplierScope, siteOutsideSupplierScope, stepOutsideSupplierScope, SITE_LABEL, type ActingForSupplier, type OutsideScope } from './supplier-scope';
export { Suppliers, supplierStream, type SupplierView } from './suppliers';
export { suppliersSlice } from './suppliers.slice';
