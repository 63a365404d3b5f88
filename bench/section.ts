// The shape every benchmark of `npm run bench` has: it runs, then contributes a part of bench/results.md and
// its verdicts on the targets.

/** How a benchmark run is asked to behave. */
export interface RunOptions {
  /** A smoke run: fewer sizes and repetitions; results.md is not written. */
  readonly quick: boolean;
}

/** What one benchmark contributes to the results. */
export interface SectionResult {
  /** Markdown for results.md, starting with a `##` heading. */
  readonly markdown: string;
  /** One line per target this benchmark checked, saying met or missed, the figure and the target. */
  readonly verdicts: readonly TargetVerdict[];
}

/** One target of issue 6, checked against a measured figure. */
export interface TargetVerdict {
  /** Whether the figure meets the target. */
  readonly met: boolean;
  /** The target, the figure and, when missed, a pointer to why. */
  readonly text: string;
}

/** One benchmark of `npm run bench`. */
export interface BenchSection {
  /** Short name, for progress lines and `--only`. */
  readonly name: string;
  /** Runs the benchmark. */
  run(options: RunOptions): Promise<SectionResult>;
}
