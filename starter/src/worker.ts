import { startWritWorker, type WritWorkerDefinition } from 'writ-governance';
import { createActivities } from './activities';

/**
 * This project's governed worker: its actions and its workflows. `npm run worker` runs it
 * in the configured role (writ.config.json `role`, default `all`: authorize and execute);
 * `npx writ worker --role authorizer` or `--role executor` runs the same definition in
 * one role, on its own host.
 */
export const writWorker: WritWorkerDefinition = {
  actions: () =>
    createActivities({
      deployments: {
        async deploy({ service, environment, version }) {
          return `deployed ${service} ${version} to ${environment}`;
        },
      },
    }),
  workflowsPath: require.resolve('./workflows'),
};

if (require.main === module) {
  // Keys, identity provider, policies and governance store from writ.config.json if present;
  // Temporal from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ... or a temporal.toml profile.
  startWritWorker(writWorker)
    .then((started) => started.run())
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
