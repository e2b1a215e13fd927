/**
 * Consumer group ids. The deployed event source mappings read each topic with a group of its own
 * (Lambda fixes a mapping's group for its life, and two mappings must not share one), so a group
 * may be given as a pattern with `{topic}` in it, resolved per topic; a plain id is one group for
 * every topic (the local twin's `streamflow-consumer`).
 */

/** Stands for the topic's name in a group id pattern. */
export const TOPIC_PLACEHOLDER = '{topic}';

/** The group pattern of a deployed stage's consumer mappings (lib/stacks/pipeline-stack.ts): `streamflow-dev-consumer-{topic}`. */
export const deployedConsumerGroup = (stage: string): string => `streamflow-${stage}-consumer-${TOPIC_PLACEHOLDER}`;

/** The stage `cdk deploy` builds without `-c stage=…` (lib/config.ts). */
export const DEFAULT_STAGE = 'dev';

/** The group id that reads `topic`. */
export const groupForTopic = (group: string, topic: string): string => group.replaceAll(TOPIC_PLACEHOLDER, topic);
