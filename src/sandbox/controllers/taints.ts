// Taints and tolerations (core/v1 helper `ToleratesTaint`, `FindMatchingUntoleratedTaint`).

/** A node taint. */
export interface Taint {
  /** The taint key. */
  readonly key: string;
  /**
   * The taint value.
   * @default ''
   */
  readonly value?: string;
  /** NoSchedule, PreferNoSchedule or NoExecute. */
  readonly effect: string;
}

/** A pod toleration. */
export interface Toleration {
  /**
   * The key to tolerate; empty with operator Exists tolerates every key.
   * @default ''
   */
  readonly key?: string;
  /**
   * Equal or Exists.
   * @default 'Equal'
   */
  readonly operator?: string;
  /**
   * The value to tolerate with operator Equal.
   * @default ''
   */
  readonly value?: string;
  /**
   * The effect to tolerate; empty tolerates every effect.
   * @default ''
   */
  readonly effect?: string;
}

/** Whether `toleration` tolerates `taint`. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) {
    return false;
  }
  if (toleration.key && toleration.key !== taint.key) {
    return false;
  }
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/**
 * The first taint among those selected by `inScope` that no toleration tolerates, or undefined when
 * all of them are tolerated.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, inScope: (taint: Taint) => boolean,
): Taint | undefined {
  return (taints ?? []).find((taint) => inScope(taint) && !(tolerations ?? []).some((toleration) => toleratesTaint(toleration, taint)));
}

/** Taints that keep new pods off a node: NoSchedule and NoExecute. */
export function isSchedulingTaint(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}
