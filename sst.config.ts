import type { SSTConfig } from 'sst';
import { Api } from './stacks/Api.ts';
import { Auth } from './stacks/Auth.ts';
import { Database } from './stacks/Database.ts';
import { Payments } from './stacks/Payments.ts';
import { Web } from './stacks/Web.ts';

export default {
  config() {
    return { name: 'shop', region: process.env.AWS_REGION ?? 'us-east-1' };
  },
  stacks(app) {
    // Only production keeps its data when a stage is removed.
    if (app.stage !== 'prod') app.setDefaultRemovalPolicy('destroy');
    app.stack(Database).stack(Auth).stack(Api).stack(Web).stack(Payments);
  },
} satisfies SSTConfig;
