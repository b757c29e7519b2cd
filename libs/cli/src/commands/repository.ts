import type { BodyOf } from '@gantry/client';
import type { Command } from 'commander';
import { bodyOption, examples, outputOption, type Invocation } from '../invocation';
import { detailView, type Format } from '../output';

interface SigningKey {
  keyId: string;
  status: string;
  algorithm?: string;
  owner?: string;
  registeredAt?: string;
}

interface ComponentVersion {
  name: string;
  version: string;
  kind: string;
  status: string;
}

const KEY_FIELDS = ['keyId', 'status', 'algorithm', 'owner', 'registeredAt'];
const VERSION_FIELDS = ['name', 'version', 'kind', 'status', 'digest', 'keyId', 'source', 'registeredAt'];

/**
 * `gantry signing-keys` and `gantry components`: the authorised repository (verification). Nothing is deployed unless
 * its version is registered there, signed by a trusted key.
 */
export function repositoryCommands(program: Command, cli: Invocation): void {
  const keys = program
    .command('signing-keys')
    .alias('signing-key')
    .description("the keys whose signatures the authorised repository trusts (verification)")
    .addHelpText('after', examples('gantry signing-keys', 'gantry signing-keys add -f examples/demo-signing-key.json'));
  keys
    .command('list', { isDefault: true })
    .description('every trusted or revoked key')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry signing-keys', 'gantry signing-keys list -o json'))
    .action(async (o: { output: Format }) => {
      const { data } = await cli.client().get('/signing-keys');
      const rows = (data as { keys: SigningKey[] }).keys;
      cli.show({ data, rows, columns: KEY_FIELDS.map((f) => ({ header: f, cell: (k: Record<string, unknown>) => k[f] })) }, o.output);
    });
  keys
    .command('add')
    .description('trust a public key (the body of POST /signing-keys: keyId, publicKey as PEM or JWK, owner)')
    .addOption(bodyOption('the key'))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry signing-keys add -f examples/demo-signing-key.json'))
    .action(async (o: { file: string; output: Format }) => {
      const { data } = await cli.client().post('/signing-keys', { body: await cli.json<BodyOf<'/signing-keys', 'post'>>(o.file) });
      cli.show(detailView(data, KEY_FIELDS), o.output);
    });

  const components = program
    .command('components')
    .alias('component')
    .description('component versions in the authorised repository (verification)')
    .addHelpText('after', examples('gantry components', 'gantry sign --key key.pem --key-id k1 --name payments-api --version 2.4.1 --file app.tgz | gantry components register -f -'));
  components
    .command('list', { isDefault: true })
    .description('every registered component version')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry components', 'gantry components list -o yaml'))
    .action(async (o: { output: Format }) => {
      const { data } = await cli.client().get('/components');
      const rows = (data as { components: { name: string; versions: Omit<ComponentVersion, 'name'>[] }[] }).components.flatMap((c) => c.versions.map((v) => ({ name: c.name, ...v })));
      cli.show({ data, rows, columns: ['name', 'version', 'kind', 'status'].map((f) => ({ header: f, cell: (c: Record<string, unknown>) => c[f] })) }, o.output);
    });
  components
    .command('register')
    .description('register a signed component version (the body of POST /components; `gantry sign` prints it)')
    .addOption(bodyOption('the version'))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry sign --key key.pem --key-id k1 --name payments-api --version 2.4.1 --file app.tgz | gantry components register -f -'))
    .action(async (o: { file: string; output: Format }) => {
      const { data } = await cli.client().post('/components', { body: await cli.json<BodyOf<'/components', 'post'>>(o.file) });
      cli.show(detailView(data, VERSION_FIELDS), o.output);
    });
}
