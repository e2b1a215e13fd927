/**
 * Running AWS's CloudFormation linter (cfn-lint, pinned in emulators/requirements.txt) over
 * synthesized templates, and reading its JSON report.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CFN_LINT_REASONS_KEY } from '../../../lib/constructs/cfn-lint-acknowledgements.js';
import { venvBin } from '../support/emulators.js';

/** One finding as `cfn-lint --format json` prints it. */
export interface LintFinding {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Filename: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] | null };
}

/** A finding as a test failure should show it: file, rule, resource, message. */
export const describeFinding = (finding: LintFinding): string =>
  `${finding.Filename.split('/').pop()} ${finding.Rule.Id} ${String(finding.Location.Path?.[1] ?? '')}: ${finding.Message}`;

/** The CloudFormation templates of a cloud assembly directory. */
export const templatesIn = (directory: string): string[] =>
  readdirSync(directory)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join(directory, file));

/** Lints the templates; cfn-lint exits non-zero whenever it finds anything, so the report decides. */
export const lintTemplates = (templates: readonly string[]): LintFinding[] => {
  const run = spawnSync(venvBin('cfn-lint'), ['--format', 'json', '--', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  const report = run.stdout.trim();
  if (report === '' && run.status !== 0) throw new Error(`cfn-lint failed (exit ${run.status}): ${run.stderr}`);
  return report === '' ? [] : (JSON.parse(report) as LintFinding[]);
};

/** Per template file name, per resource, the rules acknowledged in its metadata and why. */
export type Acknowledgements = Record<string, Record<string, Record<string, string>>>;

interface TemplateJson {
  Resources: Record<string, { Metadata?: Record<string, unknown> }>;
}

/**
 * Copies the templates into `directory` without their `cfn-lint` metadata, so that linting the
 * copies shows every finding our acknowledgements hide; returns the copies and the acknowledgements.
 */
export const withoutAcknowledgements = (templates: readonly string[], directory: string): { copies: string[]; acknowledged: Acknowledgements } => {
  mkdirSync(directory, { recursive: true });
  const acknowledged: Acknowledgements = {};
  const copies = templates.map((path) => {
    const name = path.split('/').pop()!;
    const template = JSON.parse(readFileSync(path, 'utf8')) as TemplateJson;
    for (const [id, resource] of Object.entries(template.Resources)) {
      const metadata = resource.Metadata;
      if (!metadata?.['cfn-lint']) continue;
      const ignored = (metadata['cfn-lint'] as { config?: { ignore_checks?: string[] } }).config?.ignore_checks ?? [];
      const reasons = (metadata[CFN_LINT_REASONS_KEY] as Record<string, string> | undefined) ?? {};
      (acknowledged[name] ??= {})[id] = Object.fromEntries(ignored.map((rule) => [rule, reasons[rule] ?? '']));
      delete metadata['cfn-lint'];
    }
    const copy = join(directory, name);
    writeFileSync(copy, JSON.stringify(template));
    return copy;
  });
  return { copies, acknowledged };
};
