/** AWS's own published payloads (test/fixtures/aws/README.md names each file's source), parsed. */
import { readFileSync } from 'node:fs';

export const AWS_PAYLOAD_FILES = {
  mskEvent: 'msk-event.json',
  selfManagedKafkaEvent: 'self-managed-kafka-event.json',
  s3ObjectCreatedEvent: 's3-object-created-eventbridge-event.json',
  scheduledRuleEvent: 'eventbridge-scheduled-event.json',
  schedulerInput: 'eventbridge-scheduler-input.json',
} as const;

/** A fresh copy of the payload each call, so a test may modify what it gets. */
export const awsPayload = <T>(name: keyof typeof AWS_PAYLOAD_FILES): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/aws/${AWS_PAYLOAD_FILES[name]}`, import.meta.url), 'utf8')) as T;
