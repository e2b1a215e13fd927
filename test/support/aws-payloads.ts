/** AWS's own published payloads (test/fixtures/aws/README.md names each file's source), parsed. */
import { readFileSync } from 'node:fs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export const AWS_PAYLOAD_FILES = {
  mskEvent: 'msk-event.json',
  selfManagedKafkaEvent: 'self-managed-kafka-event.json',
  s3ObjectCreatedEvent: 's3-object-created-eventbridge-event.json',
  scheduledRuleEvent: 'eventbridge-scheduled-event.json',
  schedulerInput: 'eventbridge-scheduler-input.json',
  sqsEvent: 'sqs-event.json',
} as const;

/** A fresh copy of the payload each call, so a test may modify what it gets. */
export const awsPayload = <T>(name: keyof typeof AWS_PAYLOAD_FILES): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/aws/${AWS_PAYLOAD_FILES[name]}`, import.meta.url), 'utf8')) as T;

/**
 * AWS's published SQS event (sqs-event.json) delivering the given bodies, as the loader's queue
 * delivers EventBridge events: each record is the file's first record with its own messageId
 * (`<the file's messageId>-<n>`) and the body (an object is sent as its JSON, as EventBridge does).
 */
export const sqsEventCarrying = (bodies: readonly unknown[]): SQSEvent => {
  const [template] = awsPayload<SQSEvent>('sqsEvent').Records as [SQSRecord];
  return {
    Records: bodies.map((body, index) => ({
      ...template,
      messageId: `${template.messageId}-${index + 1}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })),
  };
};
