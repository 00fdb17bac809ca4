import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Worker } from '@temporalio/worker';
import { WritPlugin, loadConfig, openGovernance } from 'writ-governance';
import { createActivities } from './activities';

async function main(): Promise<void> {
  // Keys, identity provider, policies and governance store, from writ.config.json if present.
  const governance = await openGovernance(loadConfig());
  const writ = new WritPlugin({
    actions: createActivities({
      deployments: {
        async deploy({ service, environment, version }) {
          return `deployed ${service} ${version} to ${environment}`;
        },
      },
    }),
    governance,
  });
  // Where Temporal is: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ... or a temporal.toml profile.
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  const worker = await Worker.create({
    connection,
    namespace: namespace ?? 'default',
    taskQueue: 'deployments',
    workflowsPath: require.resolve('./workflows'),
    plugins: [writ],
  });
  try {
    await worker.run();
  } finally {
    await governance.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
