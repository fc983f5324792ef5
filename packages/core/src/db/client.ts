import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The emulators (DynamoDB Local, cognito-local) accept any credentials; fixed ones keep clients off
 * the credential chain, so nothing local ever looks for a real AWS account.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface DynamoConfig {
  region: string;
  /** Only for DynamoDB Local; deployed stages use the regional endpoint. */
  endpoint?: string | undefined;
  /** SDK attempts per call, including the first. Explicit so throttling behaviour is a decision. */
  maxAttempts: number;
}

/** Builds the one DocumentClient a process uses. */
export function createDocumentClient(config: DynamoConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    maxAttempts: config.maxAttempts,
    ...(config.endpoint ? { endpoint: config.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
