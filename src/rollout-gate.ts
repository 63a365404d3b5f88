import { GateSpec, isGateProblem, parseGateText, parsePromConditionText, PROM_OPERATORS } from './gate-grammar';
import { ValidationError } from './validation-error';

/** Options of {@link RolloutGate.kafka}. */
export interface KafkaGateOptions {
  /** Also require every partition's ISR to be at least `min.insync.replicas` (no broker reports UnderMinIsrPartitionCount). @default false */
  readonly minIsr?: boolean;
  /** The brokers' metrics port (the JMX exporter's). @default - the container port named `metrics` */
  readonly metricsPort?: number;
}

/** Options of {@link RolloutGate.zookeeper}. */
export interface ZooKeeperGateOptions {
  /** The servers' Prometheus metrics port (`metricsProvider.httpPort`). @default - the container port named `metrics` */
  readonly metricsPort?: number;
}

/**
 * A gate every step of a staged promotion must pass, declared with the workload: written to its
 * `staged-rollouts.io/gates` annotation in the text `kubectl-stage promote --gate` takes, which the promoter runs when
 * no `--gate` flag is given.
 *
 * @example
 * StatefulSetRollout.staged(PartitionPlan.canary(), { gates: [RolloutGate.kafka({ minIsr: true })] });
 */
export class RolloutGate {
  /**
   * `kafka`: before the first step and after each soak, no under-replicated and no offline partitions (and with `minIsr`
   * none under `min.insync.replicas`), read from each broker's JMX exporter through the API server's pod proxy (or
   * from Prometheus when `promote --prometheus` is given); the promoter waits `--gate-timeout` for recovery.
   * @param options the gate's options
   */
  public static kafka(options: KafkaGateOptions = {}): RolloutGate {
    const parts = [...options.minIsr ? ['min-isr'] : [], ...options.metricsPort === undefined ? [] : [`port=${options.metricsPort}`]];
    return RolloutGate.parsed('RolloutGate.kafka', 'metricsPort', options.metricsPort, parts.length > 0 ? `kafka:${parts.join(',')}` : 'kafka');
  }

  /**
   * `zookeeper`: before the first step and after each soak, exactly one leader, synced with every voting follower,
   * read from each server's Prometheus metrics through the API server's pod proxy.
   * @param options the gate's options
   */
  public static zookeeper(options: ZooKeeperGateOptions = {}): RolloutGate {
    const text = options.metricsPort === undefined ? 'zookeeper' : `zookeeper:port=${options.metricsPort}`;
    return RolloutGate.parsed('RolloutGate.zookeeper', 'metricsPort', options.metricsPort, text);
  }

  /**
   * `http=URL`: after each soak, a GET to `url` must answer 2xx.
   * @param url an absolute http or https URL
   */
  public static http(url: string): RolloutGate {
    return RolloutGate.parsed('RolloutGate.http', 'url', url, `http=${url}`);
  }

  /**
   * `prom=QUERY`: after each soak, every sample of the instant query must satisfy `condition` (`promote --prometheus`
   * names the server).
   * @param query a PromQL instant query, e.g. `sum(kafka_server_replicamanager_underreplicatedpartitions)`
   * @param condition an operator and a number, e.g. `==0` or `>= 3`
   */
  public static prometheus(query: string, condition: string): RolloutGate {
    if (parsePromConditionText(condition) === undefined) {
      throw new ValidationError('RolloutGate.prometheus', 'condition', condition,
        `use an operator (${PROM_OPERATORS.join(', ')}) followed by a number, for example ==0`);
    }
    if (query.trim() === '') {
      throw new ValidationError('RolloutGate.prometheus', 'query', query, 'use a PromQL instant query, for example sum(up{job="kafka"})');
    }
    return RolloutGate.parsed('RolloutGate.prometheus', 'query', query, `prom=${query.trim()}${condition.trim()}`);
  }

  // Builds the gate from its text, refusing what `promote --gate` would refuse.
  private static parsed(where: string, prop: string, value: unknown, text: string): RolloutGate {
    const spec = parseGateText(text);
    if (isGateProblem(spec)) {
      throw new ValidationError(where, prop, value, `the gate "${text}" is not valid: ${spec.problem}`);
    }
    return new RolloutGate(spec);
  }

  /** The gate in the text `kubectl-stage promote --gate` takes, e.g. `kafka:min-isr`. */
  public readonly text: string;

  private constructor(spec: GateSpec) {
    this.text = spec.text;
  }

  /** The gate's text. */
  public toString(): string {
    return this.text;
  }
}
