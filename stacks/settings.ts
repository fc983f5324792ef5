/**
 * Deploy-time settings read from the environment of `sst deploy` (all optional unless stated),
 * validated here so that a typo fails the synthesis with a clear message, not a deploy.
 * docs/deploy.md lists them with their defaults.
 */

const env = (name: string) => {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
};

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** Requests per client IP per 5 minutes before the WAF answers 429 (AWS's minimum is 10). */
export const DEFAULT_RATE_LIMIT_PER_5_MINUTES = 2000;
export const rateLimitPer5Minutes = () =>
  integer('SHOP_WAF_RATE_LIMIT', DEFAULT_RATE_LIMIT_PER_5_MINUTES, 10, 2_000_000_000);

/**
 * The API function's reserved concurrency: a cap on simultaneous invocations (and so on the bill a
 * flood can run up). `none` removes it; a new account's regional quota may be as low as 10, and
 * Lambda keeps 10 unreserved, so such an account must ask for more or set `none`.
 */
export const DEFAULT_API_RESERVED_CONCURRENCY = 50;
export function apiReservedConcurrency(): number | undefined {
  if (env('SHOP_API_RESERVED_CONCURRENCY')?.toLowerCase() === 'none') return undefined;
  return integer('SHOP_API_RESERVED_CONCURRENCY', DEFAULT_API_RESERVED_CONCURRENCY, 1, 100_000);
}

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;
/** 30 days on prod, 14 elsewhere, unless SHOP_LOG_RETENTION_DAYS says otherwise. */
export function logRetentionDays(stage: string): number {
  const days = integer('SHOP_LOG_RETENTION_DAYS', stage === 'prod' ? 30 : 14, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(`SHOP_LOG_RETENTION_DAYS must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return days;
}

/** Bump to rotate the cursor-signing secret: a new generated secret replaces the old one. */
export const cursorSecretGeneration = () =>
  integer('SHOP_CURSOR_SECRET_GENERATION', 1, 1, 1_000_000);

/** The verified SES identity Cognito sends from; required on prod. */
export function emailFrom(stage: string): string | undefined {
  const from = env('SHOP_EMAIL_FROM');
  if (from === undefined && stage === 'prod') {
    throw new Error(
      'Set SHOP_EMAIL_FROM (an address of an SES-verified identity, e.g. no-reply@shop.example.com) ' +
        "to deploy the prod stage: Cognito's default sender allows about 50 e-mails a day",
    );
  }
  if (from !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(from)) {
    throw new Error(`SHOP_EMAIL_FROM must be an e-mail address, not "${from}"`);
  }
  return from;
}

export const alarmEmail = () => env('SHOP_ALARM_EMAIL');

/** The site's own domain name and its ACM certificate (us-east-1), both or neither. */
export function customDomain(): { domain: string; certificateArn: string } | undefined {
  const domain = env('SHOP_DOMAIN');
  const certificateArn = env('SHOP_CERTIFICATE_ARN');
  if (!domain && !certificateArn) return undefined;
  if (!domain || !certificateArn) {
    throw new Error('Set both SHOP_DOMAIN and SHOP_CERTIFICATE_ARN, or neither');
  }
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(
      'SHOP_CERTIFICATE_ARN must be an ACM certificate in us-east-1 (CloudFront only uses those)',
    );
  }
  return { domain, certificateArn };
}
