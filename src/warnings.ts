// Synth warnings with ids a user can silence, in the shape of aws-cdk-lib's `Annotations.addWarningV2` and
// `acknowledgeWarning` (packages/aws-cdk-lib/core/lib/annotations.ts). cdk8s 2.x has no annotations API and prints
// no construct metadata, so the warnings are node metadata entries of our own type, filtered by the
// acknowledgements when read, and printed by one app-level validation that reports no error.
import { IConstruct } from 'constructs';

/** The ids of the warnings the constructs of this library record; each is documented in docs/constructs.md. */
export class WarningId {
  /** A `ZooKeeperEnsemble` with an even number of servers: it tolerates no more failures than one server fewer. */
  public static readonly ZOOKEEPER_EVEN_ENSEMBLE = 'cdk8s-staged-rollouts:zooKeeperEvenEnsemble';

  private constructor() {}
}

/** One warning recorded on a construct. */
export interface SynthWarning {
  /** What the warning is about, the id to acknowledge it with (see {@link WarningId}). */
  readonly id: string;
  /** The path of the construct it is recorded on. */
  readonly path: string;
  /** What is wrong and what to do instead. */
  readonly message: string;
}

// The node metadata types of a warning (data `{ id, message }`) and of an acknowledgement (data `{ id, reason }`).
const WARNING_METADATA = 'cdk8s-staged-rollouts:warning';
const ACKNOWLEDGEMENT_METADATA = 'cdk8s-staged-rollouts:acknowledgement';

/**
 * The warnings the constructs of this library record on a construct tree, and their acknowledgements.
 *
 * A warning is recorded when the construct is created and printed on stderr, once, the first time the app is
 * synthesized (`[Warning at <path>] <message> [ack: <id>]`) unless acknowledged on its construct or any construct
 * above it. Acknowledging works before or after the warning is recorded.
 *
 * @example
 * const zk = new ZooKeeperEnsemble(chart, 'zk', { replicas: 4 });
 * Warnings.of(zk).list(); // [{ id: 'cdk8s-staged-rollouts:zooKeeperEvenEnsemble', path: 'streaming/zk', message: ... }]
 * Warnings.of(chart).acknowledge(WarningId.ZOOKEEPER_EVEN_ENSEMBLE, 'four servers, one per zone, on purpose');
 */
export class Warnings {
  /**
   * The warnings API of a construct tree.
   * @param scope the construct whose warnings (its own and those of the constructs below it) to read or acknowledge
   */
  public static of(scope: IConstruct): Warnings {
    return new Warnings(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Silences every warning with this id on this construct and the constructs below it: `list()` leaves them out
   * and synth does not print them.
   * @param id the warning's id (see {@link WarningId})
   * @param reason why the warning does not apply (optional), kept in the metadata for whoever reads the code next
   */
  public acknowledge(id: string, reason?: string): void {
    this.scope.node.addMetadata(ACKNOWLEDGEMENT_METADATA, { id, reason });
  }

  /** The warnings not acknowledged, recorded on this construct and the constructs below it, in tree order. */
  public list(): SynthWarning[] {
    return this.scope.node.findAll().flatMap((construct) => construct.node.metadata
      .filter((entry) => entry.type === WARNING_METADATA && !isAcknowledged(construct, entry.data.id))
      .map((entry): SynthWarning => ({ id: entry.data.id, path: construct.node.path, message: entry.data.message })));
  }

  /**
   * Records a warning on this construct, once per id and message, and makes the app print it at synth. Only this
   * library's constructs record warnings.
   * @internal
   */
  public _add(id: string, message: string): void {
    const recorded = this.scope.node.metadata
      .some((entry) => entry.type === WARNING_METADATA && entry.data.id === id && entry.data.message === message);
    if (!recorded) {
      this.scope.node.addMetadata(WARNING_METADATA, { id, message });
    }
    printAtSynth(this.scope.node.root);
  }
}

const printingRoots = new WeakSet<IConstruct>();

// cdk8s validates every node each time a chart or the app is synthesized; the root's validation prints the
// warnings not yet printed and reports no error, so a warning shows once however often the app is synthesized.
function printAtSynth(root: IConstruct): void {
  if (printingRoots.has(root)) {
    return;
  }
  printingRoots.add(root);
  const printed = new Set<string>();
  root.node.addValidation({
    validate: () => {
      for (const warning of Warnings.of(root).list()) {
        const line = `[Warning at ${warning.path}] ${warning.message} [ack: ${warning.id}]`;
        if (!printed.has(line)) {
          printed.add(line);
          process.stderr.write(`${line}\n`);
        }
      }
      return [];
    },
  });
}

// An acknowledgement applies to the construct it is recorded on and every construct below it.
function isAcknowledged(construct: IConstruct, id: string): boolean {
  return construct.node.scopes.some((scope) => scope.node.metadata
    .some((entry) => entry.type === ACKNOWLEDGEMENT_METADATA && entry.data.id === id));
}
