import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { use, type StackContext } from 'sst/constructs';
import { Api } from './Api.ts';
import { Database } from './Database.ts';
import { Edge } from './Edge.ts';
import { Payments } from './Payments.ts';
import { alarmEmail } from './settings.ts';

const FIVE_MINUTES = Duration.minutes(5);
/** Alarm when the API's p99 duration reaches this share of its timeout. */
export const DURATION_ALARM_SHARE = 0.8;
/** Alarm when the API's concurrency reaches this share of its reserved cap. */
export const CONCURRENCY_ALARM_SHARE = 0.8;
/** Requests the WAF blocks in 5 minutes before someone should look. */
export const WAF_BLOCKS_ALARM = 500;
/** The edge's 5xx rate (percent, 5-minute average) that pages. */
export const EDGE_5XX_RATE_ALARM = 5;
/** The API's Lambda errors (crashes, timeouts; not tRPC error answers) in 5 minutes. */
export const API_ERRORS_ALARM = 5;

/** The DynamoDB operations the code issues (system errors are reported per operation). */
const OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.SCAN,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

export interface AlarmContext {
  stack: StackContext['stack'];
  topic: sns.ITopic;
  widgets: cloudwatch.IWidget[];
  alarms: cloudwatch.IAlarm[];
}

/** One alarm to the topic, and its graph on the dashboard. */
export function addAlarm(
  ctx: AlarmContext,
  id: string,
  metric: cloudwatch.IMetric,
  props: Omit<cloudwatch.CreateAlarmOptions, 'evaluationPeriods'> & { evaluationPeriods?: number },
) {
  const alarm = new cloudwatch.Alarm(ctx.stack, id, {
    metric,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    ...props,
  });
  alarm.addAlarmAction(new actions.SnsAction(ctx.topic));
  alarm.addOkAction(new actions.SnsAction(ctx.topic));
  ctx.alarms.push(alarm);
  ctx.widgets.push(
    new cloudwatch.GraphWidget({
      title: props.alarmDescription ?? id,
      left: [metric],
      leftAnnotations: [{ value: props.threshold, label: 'alarm' }],
      width: 8,
    }),
  );
  return alarm;
}

/**
 * Errors, throttles and duration near the timeout of a function (the API; the payments webhook
 * can use the same).
 */
export function functionAlarms(
  ctx: AlarmContext,
  name: string,
  fn: lambda.Function,
  timeout: Duration,
) {
  addAlarm(ctx, `${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), {
    threshold: API_ERRORS_ALARM,
    alarmDescription: `${name}: Lambda errors (crashes, timeouts) in 5 minutes`,
  });
  addAlarm(
    ctx,
    `${name}Throttles`,
    fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
    {
      threshold: 1,
      alarmDescription: `${name}: throttled invocations (concurrency cap reached)`,
    },
  );
  addAlarm(ctx, `${name}Duration`, fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }), {
    threshold: Math.round(timeout.toMilliseconds() * DURATION_ALARM_SHARE),
    evaluationPeriods: 2,
    alarmDescription: `${name}: p99 duration near the ${timeout.toSeconds()} s timeout`,
  });
}

/**
 * Alarms to one SNS topic (`SHOP_ALARM_EMAIL` subscribes to it) and a dashboard with the same
 * figures. CloudFront and WAF (scope CLOUDFRONT) report in us-east-1, where the app runs.
 */
export function Monitoring({ stack, app }: StackContext) {
  const { api, reservedConcurrency } = use(Api);
  const { tables } = use(Database);
  const { distribution, webAcl } = use(Edge);

  const topic = new sns.Topic(stack, 'Alarms', {
    displayName: `Shop alarms (${app.stage})`,
    enforceSSL: true,
  });
  const email = alarmEmail();
  if (email) topic.addSubscription(new subscriptions.EmailSubscription(email));
  const ctx: AlarmContext = { stack, topic, widgets: [], alarms: [] };

  functionAlarms(ctx, 'Api', api, api.timeout ?? Duration.seconds(10));
  // Payment webhook failures: Stripe retries, but an order stays unpaid until one gets through.
  const { webhook, sweep } = use(Payments);
  functionAlarms(ctx, 'PaymentsWebhook', webhook, webhook.timeout ?? Duration.seconds(10));
  functionAlarms(ctx, 'PaymentsSweep', sweep, sweep.timeout ?? Duration.seconds(120));
  if (reservedConcurrency !== undefined) {
    addAlarm(
      ctx,
      'ApiConcurrency',
      api.metric('ConcurrentExecutions', { period: Duration.minutes(1), statistic: 'Maximum' }),
      {
        threshold: Math.ceil(reservedConcurrency * CONCURRENCY_ALARM_SHARE),
        evaluationPeriods: 3,
        alarmDescription: `Api: concurrency near its cap of ${reservedConcurrency}`,
      },
    );
  }

  for (const sstTable of tables) {
    const table = sstTable.cdk.table;
    const name = sstTable.node.id;
    addAlarm(
      ctx,
      `${name}Throttles`,
      new cloudwatch.MathExpression({
        expression: 'reads + writes',
        label: `${name} throttled requests`,
        period: FIVE_MINUTES,
        usingMetrics: {
          reads: table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
          writes: table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
        },
      }),
      { threshold: 1, alarmDescription: `${name} table: throttled reads or writes` },
    );
    addAlarm(
      ctx,
      `${name}SystemErrors`,
      table.metricSystemErrorsForOperations({ operations: OPERATIONS, period: FIVE_MINUTES }),
      { threshold: 1, alarmDescription: `${name} table: DynamoDB system errors` },
    );
  }

  if (distribution) {
    addAlarm(
      ctx,
      'Edge5xxRate',
      distribution.metric5xxErrorRate({ period: FIVE_MINUTES, statistic: 'Average' }),
      {
        threshold: EDGE_5XX_RATE_ALARM,
        evaluationPeriods: 2,
        alarmDescription: `Edge: over ${EDGE_5XX_RATE_ALARM}% of answers are 5xx`,
      },
    );
  }
  if (webAcl) {
    addAlarm(
      ctx,
      'WafBlocks',
      new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: webAcl.name!, Rule: 'ALL' },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      { threshold: WAF_BLOCKS_ALARM, alarmDescription: 'WAF: blocked requests spiking' },
    );
  }

  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard', {
    dashboardName: app.logicalPrefixedName('shop'),
  });
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: ctx.alarms, width: 24 }),
  );
  dashboard.addWidgets(...ctx.widgets);

  stack.addOutputs({ AlarmTopicArn: topic.topicArn });
  return { topic, alarms: ctx, dashboard };
}
