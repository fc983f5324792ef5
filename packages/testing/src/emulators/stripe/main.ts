/**
 * The local Stripe server as its own process (started by `startStripeLocal`, like cognito-local):
 * configured by environment, prints `Stripe local server at <url>` once listening.
 */
import { StripeServer } from './server.ts';

const env = process.env;
const required = (name: string) => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const server = new StripeServer({
  secretKey: required('STRIPE_LOCAL_SECRET_KEY'),
  webhookSecret: required('STRIPE_LOCAL_WEBHOOK_SECRET'),
  webhookUrl: env.STRIPE_LOCAL_WEBHOOK_URL || undefined,
  publicUrl: env.STRIPE_LOCAL_PUBLIC_URL || undefined,
  retryBaseMs: Number(env.STRIPE_LOCAL_RETRY_BASE_MS || 1000),
  maxAttempts: Number(env.STRIPE_LOCAL_MAX_ATTEMPTS || 8),
});
const url = await server.listen(Number(env.STRIPE_LOCAL_PORT || 12111), env.STRIPE_LOCAL_HOST);
console.log(`Stripe local server at ${url}`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
