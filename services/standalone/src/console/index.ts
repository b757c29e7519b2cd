export { serveConsole } from './console';
