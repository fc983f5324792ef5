/**
 * The payment provider's secrets. Kept out of `Config` (which is passed around and may be
 * logged): read once, on first use, and only ever handed to the provider.
 *
 * Deployed, the stacks bind SST `Config.Secret`s: the function's environment then holds SST's
 * marker (`SST_Secret_value_<NAME>=__FETCH_FROM_SSM__`) and the value is fetched from SSM Parameter
 * Store (SecureString) on first use, not at import (importing the handler makes no network call).
 * Locally and in tests the value comes straight from the environment (`<NAME>`).
 */
export interface PaymentSecrets {
  secretKey: string;
  /** Only the webhook's function is given it; elsewhere `undefined` (no event is accepted). */
  webhookSecret: string | undefined;
}

export const PAYMENT_SECRET_NAMES = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;
type SecretName = (typeof PAYMENT_SECRET_NAMES)[number];

const SSM_MARKER = '__FETCH_FROM_SSM__';

/** `undefined` when the stage has no payment secrets at all (payments then refuse politely). */
export function paymentSecretsFrom(
  env: Record<string, string | undefined>,
): (() => Promise<PaymentSecrets>) | undefined {
  const direct = (name: SecretName) => env[name] || undefined;
  const fromSsm = (name: SecretName) => env[`SST_Secret_value_${name}`] === SSM_MARKER;
  const has = (n: SecretName) => Boolean(direct(n) || fromSsm(n));
  if (!has('STRIPE_SECRET_KEY')) return undefined;
  const wanted = PAYMENT_SECRET_NAMES.filter(has);
  let loaded: Promise<PaymentSecrets> | undefined;
  return () => {
    loaded ??= (async () => {
      const values = new Map<SecretName, string>();
      const missing = wanted.filter((n) => {
        const value = direct(n);
        if (value) values.set(n, value);
        return !value;
      });
      if (missing.length > 0) {
        for (const [name, value] of await fetchFromSsm(env, missing)) values.set(name, value);
      }
      return {
        secretKey: values.get('STRIPE_SECRET_KEY')!,
        webhookSecret: values.get('STRIPE_WEBHOOK_SECRET'),
      };
    })().catch((error: unknown) => {
      loaded = undefined; // the next call tries again
      throw error;
    });
    return loaded;
  };
}

/** SST v2's parameter paths: `<SST_SSM_PREFIX>Secret/<NAME>/value`, then the app's fallback. */
async function fetchFromSsm(
  env: Record<string, string | undefined>,
  names: SecretName[],
): Promise<Map<SecretName, string>> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({ region: env.AWS_REGION });
  const prefix = env.SST_SSM_PREFIX ?? `/sst/${env.SST_APP}/${env.SST_STAGE}/`;
  const paths = (p: string) => names.map((n) => `${p}Secret/${n}/value`);
  const found = new Map<SecretName, string>();
  for (const base of [prefix, `/sst/${env.SST_APP}/.fallback/`]) {
    const wanted = names.filter((n) => !found.has(n));
    if (wanted.length === 0) break;
    const { Parameters = [] } = await ssm.send(
      new GetParametersCommand({
        Names: paths(base).filter((_, i) => wanted.includes(names[i]!)),
        WithDecryption: true,
      }),
    );
    for (const p of Parameters) {
      const name = names.find((n) => p.Name === `${base}Secret/${n}/value`);
      if (name && p.Value) found.set(name, p.Value);
    }
  }
  const missing = names.filter((n) => !found.has(n));
  // Names only: a value never reaches an error message or a log.
  if (missing.length > 0) throw new Error(`Payment secrets not set: ${missing.join(', ')}`);
  ssm.destroy();
  return found;
}
