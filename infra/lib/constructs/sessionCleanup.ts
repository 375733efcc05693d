import { Duration } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";

export interface SessionCleanupProps {
  readonly handler: IFunction;
  /** How often stale sessions and their KVS channels are looked for. */
  readonly every?: Duration;
}

/**
 * Runs the cleanup handler on a schedule: sessions left live with no console (a crashed
 * laptop, a closed lid) are ended and their KVS channels deleted, so channels do not bill
 * for months.
 */
export class SessionCleanup extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SessionCleanupProps) {
    super(scope, id);
    this.rule = new Rule(this, "Schedule", {
      description: "End stale Babelcast sessions and delete their KVS signaling channels",
      schedule: Schedule.rate(props.every ?? Duration.minutes(15)),
      targets: [new LambdaFunction(props.handler, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
  }
}
