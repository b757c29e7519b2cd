import { ConfigurationError } from '@gantry/platform';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkpointDeliveryPolicyFromEnv, directoryDestination, httpDestination } from './checkpoint-destinations';

describe('where checkpoints are delivered, from the environment', () => {
  it('nowhere but the topic when neither is set', () => expect(checkpointDeliveryPolicyFromEnv({})).toEqual({}));

  it('a directory (made absolute) and an http or https endpoint', () =>
    expect(checkpointDeliveryPolicyFromEnv({ GANTRY_LEDGER_CHECKPOINT_DIR: 'ledger/checkpoints', GANTRY_LEDGER_CHECKPOINT_URL: 'https://witness.example.com/add-checkpoint' })).toEqual({
      directory: resolve('ledger/checkpoints'),
      url: 'https://witness.example.com/add-checkpoint',
    }));

  it('refuses an endpoint that is not an http(s) URL, saying why', () => {
    expect(() => checkpointDeliveryPolicyFromEnv({ GANTRY_LEDGER_CHECKPOINT_URL: 'witness.example.com' })).toThrow(new ConfigurationError('GANTRY_LEDGER_CHECKPOINT_URL "witness.example.com" is not a URL'));
    expect(() => checkpointDeliveryPolicyFromEnv({ GANTRY_LEDGER_CHECKPOINT_URL: 'ftp://witness.example.com/' })).toThrow(/must be http or https, not ftp:/);
  });

  it("an endpoint is named without its query or credentials (the name is its delivery mark's, and the logs')", () =>
    expect(httpDestination('https://gantry:s3cret@witness.example.com/add?token=abc').name).toBe('url:https://witness.example.com/add'));
});

describe('the checkpoint directory', () => {
  const checkpoint = { treeSize: 42, root: Buffer.alloc(32), madeAt: '2026-12-01T10:00:00.000Z', note: 'gantry.local/ledger\n42\nAAAA\n\n— gantry.local/ledger BBBB\n' };

  it('holds each checkpoint as <treeSize>.checkpoint, the note as signed, written again the same, with no temporary file left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-dir-'));
    try {
      const destination = directoryDestination(join(dir, 'made/on/first/use'));
      await destination.deliver(checkpoint, new AbortController().signal);
      await destination.deliver(checkpoint, new AbortController().signal);
      expect(readdirSync(join(dir, 'made/on/first/use'))).toEqual(['42.checkpoint']);
      expect(readFileSync(join(dir, 'made/on/first/use/42.checkpoint'), 'utf8')).toBe(checkpoint.note);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('must be an absolute path', () => expect(() => directoryDestination('relative')).toThrow(ConfigurationError));
});
