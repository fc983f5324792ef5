import { Aspects, CfnResource, RemovalPolicy, type IAspect } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * Gives EVERY Lambda function of the app (ours, SST's and CDK's own custom-resource handlers) a
 * log group of its own with a retention, through the function's `LoggingConfig`: Lambda's
 * default `/aws/lambda/<name>` group never expires. The group is created before the function,
 * so no invocation can create the default one first.
 */
export class BoundedLogs implements IAspect {
  constructor(
    private readonly retentionDays: number,
    private readonly removalPolicy: RemovalPolicy,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (node instanceof lambda.CfnFunction) {
      const own = node.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined;
      if (own?.logGroup) return; // a function that chose its log group keeps it
    }
    const scope = node.node.scope;
    if (!scope || scope.node.tryFindChild(`${node.node.id}Logs`)) return;
    const group = new logs.LogGroup(scope, `${node.node.id}Logs`, {
      retention: this.retentionDays as logs.RetentionDays,
      removalPolicy: this.removalPolicy,
    });
    if (node instanceof lambda.CfnFunction) {
      const config = node.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined;
      node.loggingConfig = { ...config, logGroup: group.logGroupName };
    } else {
      // CDK's own providers (e.g. the bucket's auto-delete handler) are plain CfnResources.
      node.addPropertyOverride('LoggingConfig.LogGroup', group.logGroupName);
    }
  }
}

export function boundLogs(scope: IConstruct, retentionDays: number, stage: string) {
  Aspects.of(scope).add(
    new BoundedLogs(retentionDays, stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY),
  );
}
