/**
 * The one manual step of a first deployment (docs/deploy.md, "After the first deploy"): putting the
 * Snowflake private key into the secret the storage stack creates. Until it is done, the loader's
 * first failure must say exactly that.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrivateKeySecret } from '../../lambdas/shared/adapters/snowflake-private-key.js';
import { snowflakeSecretName } from '../../lib/stacks/storage-stack.js';
import { synthTemplates, type Templates } from './synth-app.js';

let templates: Templates;

beforeAll(() => {
  templates = synthTemplates().templates;
});

describe('first deploy: the Snowflake private key', () => {
  it('creates the secret holding a generated placeholder, not a key', () => {
    // Assess: CloudFormation fills GenerateSecretString with random text
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html)
    templates.storage.hasResourceProperties('AWS::SecretsManager::Secret', { Name: snowflakeSecretName('dev'), GenerateSecretString: {} });
  });

  it('makes the loader’s first failure name the step: put-secret-value into this secret', () => {
    // Prepare: what Secrets Manager generates by default, 32 characters of letters, digits and punctuation
    const placeholder = 'q3V!x#9Lm^2s&Zt0Rb%Wy7*Kp@4Nd+Hc';
    const secretId = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${snowflakeSecretName('dev')}`;

    // Act
    const parse = () => parsePrivateKeySecret(placeholder, secretId);

    // Assess
    expect(parse).toThrow(`Secret ${secretId} holds no Snowflake private key yet`);
    expect(parse).toThrow(`aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string file://snowflake-secret.json`);
    expect(parse).not.toThrow(placeholder);
  });
});
