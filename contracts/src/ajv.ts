import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The one Ajv set-up of the contract (its own module, so schema files can compile validators without import cycles). */
export const createAjv = (): Ajv2020 => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false });
  addFormats(ajv);
  return ajv;
};
