/**
 * CDK entry point (cdk.json runs it with tsx). Configuration comes from cdk.json "context" and
 * `-c key=value`; see lib/config.ts for every key and docs/deploy.md for how to deploy.
 */
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../lib/config.js';
import { addNagChecks, addStreamFlowStacks } from '../lib/streamflow-app.js';

const app = new App();
addStreamFlowStacks(app, loadConfig(app));
addNagChecks(app);
