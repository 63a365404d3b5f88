// The flags of `kubectl-stage promote` as StagedRolloutRunner's promotion Job may carry them in `extraArgs`. A construct
// does not import the CLI (the borders of src/), so the table is kept here, and a test holds it equal to the flags the
// CLI's parser defines (test/constructs/staged-rollout-runner-contract.test.ts).

/** A flag of `kubectl-stage promote`, global ones included. */
export interface PromoteJobFlag {
  /** The long form, `--gate`. */
  readonly name: string;
  /**
   * The short form, `-o`.
   * @default - none
   */
  readonly short?: string;
  /** Whether it takes a value (`--gate <gate>`), as the next argument or after `=`. */
  readonly takesValue: boolean;
  /**
   * Why `extraArgs` may not carry it, when a prop or the Job itself decides it: commander lets the last of a repeated
   * flag win, so a repeat would override the prop past its checks at synth (and the Role they scope).
   * @default - allowed
   */
  readonly refused?: string;
}

const PROP_DECIDES = (prop: string) => `set ${prop} instead: it is checked at synth, and a repeated flag overrides it`;
const IN_CLUSTER = 'the Job connects in the cluster as the runner\'s ServiceAccount, the identity its Role is bound to: leave it out';

/** Every flag of `promote` (help and version aside), in the order `promote --help` lists them. */
export const PROMOTE_JOB_FLAGS: readonly PromoteJobFlag[] = [
  { name: '--plan', takesValue: true, refused: PROP_DECIDES('promotionJob.plan') },
  { name: '--step', takesValue: false },
  { name: '--to', takesValue: true },
  { name: '--all', takesValue: false },
  { name: '--soak', takesValue: true, refused: PROP_DECIDES('promotionJob.soak') },
  { name: '--timeout', takesValue: true, refused: PROP_DECIDES('promotionJob.timeout') },
  { name: '--gate', takesValue: true },
  { name: '--prometheus', takesValue: true },
  { name: '--prom-condition', takesValue: true },
  { name: '--gate-timeout', takesValue: true },
  { name: '--approve-each', takesValue: false },
  { name: '--auto-rollback', takesValue: false, refused: PROP_DECIDES('promotionJob.autoRollback') },
  {
    name: '--notify-webhook',
    takesValue: true,
    refused: 'a webhook URL is a credential, kept out of manifests: set promotionJob.notifyWebhookSecret to the Secret key that holds it',
  },
  { name: '--output', short: '-o', takesValue: true },
  { name: '--kubeconfig', takesValue: true, refused: IN_CLUSTER },
  { name: '--context', takesValue: true, refused: IN_CLUSTER },
  { name: '--namespace', short: '-n', takesValue: true, refused: PROP_DECIDES('namespace (the Role is bound there)') },
  { name: '--request-timeout', takesValue: true },
];

/** A problem with one argument of `extraArgs`. */
export interface ExtraArgProblem {
  /** The index of the argument in `extraArgs`. */
  readonly index: number;
  /** What would be valid instead. */
  readonly fix: string;
}

/**
 * Checks `extraArgs` of a promotion Job: only flags of `promote` that no prop decides, each value-taking one with its
 * value (next, or after `=`), and nothing else (a bare word would be read as the workload's name).
 *
 * @returns the first problem, or undefined when every argument is valid
 */
export function checkPromoteExtraArgs(args: readonly string[]): ExtraArgProblem | undefined {
  const allowed = PROMOTE_JOB_FLAGS.filter((flag) => flag.refused === undefined).map((flag) => flag.name).join(', ');
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    // `--flag=value`, `-oVALUE` and `-o VALUE`, as commander reads them.
    const long = arg.startsWith('--');
    const name = long ? arg.split('=')[0] : arg.slice(0, 2);
    const inline = long ? arg.includes('=') : arg.length > 2;
    const flag = arg.startsWith('-') ? PROMOTE_JOB_FLAGS.find((candidate) => candidate.name === name || candidate.short === name) : undefined;
    if (!flag) {
      return { index, fix: `pass flags of "kubectl-stage promote" (${allowed}), each followed by its value if it takes one` };
    }
    if (flag.refused !== undefined) {
      return { index, fix: flag.refused };
    }
    if (!flag.takesValue && inline) {
      return { index, fix: `${flag.name} takes no value` };
    }
    if (flag.takesValue && !inline) {
      if (index + 1 >= args.length) {
        return { index, fix: `${flag.name} needs a value after it` };
      }
      index++;
    }
  }
  return undefined;
}
