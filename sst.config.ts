import type { SSTConfig } from 'sst';
import { Api } from './stacks/Api.ts';
import { Auth } from './stacks/Auth.ts';
import { Database } from './stacks/Database.ts';
import { Edge } from './stacks/Edge.ts';
import { boundLogs } from './stacks/logging.ts';
import { Monitoring } from './stacks/Monitoring.ts';
import { Payments } from './stacks/Payments.ts';
import { logRetentionDays } from './stacks/settings.ts';

export default {
  config() {
    return { name: 'shop', region: process.env.AWS_REGION ?? 'us-east-1' };
  },
  stacks(app) {
    // Only production keeps its data when a stage is removed.
    if (app.stage !== 'prod') app.setDefaultRemovalPolicy('destroy');
    // Every function's logs expire (30 days on prod; SHOP_LOG_RETENTION_DAYS).
    boundLogs(app, logRetentionDays(app.stage), app.stage);
    app.stack(Database).stack(Auth).stack(Api).stack(Payments).stack(Edge).stack(Monitoring);
  },
} satisfies SSTConfig;
