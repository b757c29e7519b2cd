import { JsonLogger } from './json-logger';

const capture = (level?: 'info' | 'debug' | 'warn') => {
  const lines: string[] = [];
  const logger = new JsonLogger('gantry-test', { level, write: (line) => void lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
};

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, service, context and msg', () => {
    const { logger, lines, records } = capture();
    logger.log('listening on http://127.0.0.1:3000', 'boot');
    logger.warn('slow consumer');
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(records()).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', service: 'gantry-test', context: 'boot', msg: 'listening on http://127.0.0.1:3000' },
      { time: expect.any(String), level: 'warn', service: 'gantry-test', msg: 'slow consumer' },
    ]);
  });

  it('drops messages below the threshold', () => {
    const { logger, records } = capture('warn');
    logger.log('hello');
    logger.debug('details');
    logger.error('broken');
    expect(records().map((r) => r.level)).toEqual(['error']);
  });

  it('gives an error its name and message, and its stack only at debug level', () => {
    const info = capture('info');
    const failure = new TypeError('cannot read x');
    info.logger.error(failure, 'ExceptionsHandler');
    info.logger.error('request failed', failure.stack, 'ExceptionsHandler');
    expect(info.records()).toEqual([
      expect.objectContaining({ level: 'error', context: 'ExceptionsHandler', msg: 'cannot read x', err: { name: 'TypeError', message: 'cannot read x' } }),
      expect.not.objectContaining({ err: expect.anything() }),
    ]);

    const debug = capture('debug');
    debug.logger.error(failure, 'ExceptionsHandler');
    debug.logger.error('request failed', failure.stack, 'ExceptionsHandler');
    const [withError, withStack] = debug.records();
    expect(withError.err).toEqual({ name: 'TypeError', message: 'cannot read x', stack: failure.stack });
    expect(withStack.err).toEqual({ stack: failure.stack });
  });

  it('spreads a logged object into the line without letting it overwrite the envelope', () => {
    const { logger, records } = capture();
    logger.log({ msg: 'appended', deploymentId: 'd-1', events: 3n, level: 'fatal' }, 'store');
    expect(records()[0]).toEqual({
      time: expect.any(String),
      level: 'info',
      service: 'gantry-test',
      context: 'store',
      msg: 'appended',
      deploymentId: 'd-1',
      events: '3',
    });
  });

  it('follows the levels Nest sets', () => {
    const { logger, records } = capture('info');
    logger.setLogLevels(['error']);
    logger.log('hidden');
    logger.error('shown');
    expect(records().map((r) => r.msg)).toEqual(['shown']);
  });
});
