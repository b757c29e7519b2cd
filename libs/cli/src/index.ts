export { runGantry, gantryProgram } from './program';
export { EXIT } from './exit-codes';
