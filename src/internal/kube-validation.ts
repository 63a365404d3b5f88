// Kubernetes' syntax rules for names, label and annotation keys and values, ports, user ids and env var names,
// ported from k8s.io/apimachinery/pkg/util/validation/validation.go (and ValidateAnnotations in
// k8s.io/apimachinery/pkg/api/validation/objectmeta.go). Each function returns upstream's problem messages, empty
// when the value is valid, so a caller can say exactly what is wrong.

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE = new RegExp(`^(${QUALIFIED_NAME_FMT})?$`);
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The longest DNS-1123 or DNS-1035 label. */
export const DNS_LABEL_MAX_LENGTH = 63;
/** The longest DNS-1123 subdomain. */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;
/** The largest annotations of one object may be, keys and values together (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** The largest user or group id (math.MaxInt32). */
export const MAX_USER_ID = 2147483647;

function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

function regexError(message: string, format: string, ...examples: string[]): string {
  const shown = examples.map((example) => `'${example}'`).join(',  or ');
  return `${message} (e.g. ${shown}, regex used for validation is '${format}')`;
}

/** A lowercase RFC 1123 label (Namespaces, container names, most names used as host names). */
export function dns1123LabelProblems(value: string): string[] {
  const problems = value.length > DNS_LABEL_MAX_LENGTH ? [maxLenError(DNS_LABEL_MAX_LENGTH)] : [];
  if (!DNS1123_LABEL.test(value)) {
    problems.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return problems;
}

/** A lowercase RFC 1123 subdomain (most object names). */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems = value.length > DNS_SUBDOMAIN_MAX_LENGTH ? [maxLenError(DNS_SUBDOMAIN_MAX_LENGTH)] : [];
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return problems;
}

/** A DNS-1035 label (Service names): a DNS-1123 label that starts with a letter. */
export function dns1035LabelProblems(value: string): string[] {
  const problems = value.length > DNS_LABEL_MAX_LENGTH ? [maxLenError(DNS_LABEL_MAX_LENGTH)] : [];
  if (!DNS1035_LABEL.test(value)) {
    problems.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
      DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return problems;
}

/** A label key or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const problems: string[] = [];
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) {
      problems.push('prefix part must be non-empty');
    } else {
      problems.push(...dns1123SubdomainProblems(prefix).map((problem) => `prefix part ${problem}`));
    }
  } else {
    return [`a qualified name ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) {
    problems.push('name part must be non-empty');
  } else if (name.length > DNS_LABEL_MAX_LENGTH) {
    problems.push(`name part ${maxLenError(DNS_LABEL_MAX_LENGTH)}`);
  }
  if (!QUALIFIED_NAME.test(name)) {
    problems.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return problems;
}

/** A label value: empty, or at most 63 alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric. */
export function labelValueProblems(value: string): string[] {
  const problems = value.length > DNS_LABEL_MAX_LENGTH ? [maxLenError(DNS_LABEL_MAX_LENGTH)] : [];
  if (!LABEL_VALUE.test(value)) {
    problems.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      `(${QUALIFIED_NAME_FMT})?`, 'MyValue', 'my_value', '12345'));
  }
  return problems;
}

/** The problems of a whole annotation map: each key a qualified name (compared lower-cased), the total size capped. */
export function annotationsProblems(annotations: Record<string, string>): string[] {
  const problems: string[] = [];
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    problems.push(...qualifiedNameProblems(key.toLowerCase()).map((problem) => `key ${JSON.stringify(key)}: ${problem}`));
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    problems.push(`may not have more than ${ANNOTATIONS_MAX_BYTES} bytes`);
  }
  return problems;
}

/** A port number: 1 to 65535. */
export function portNumberProblems(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** A port name (IANA_SVC_NAME): at most 15 of `[-a-z0-9]`, at least one letter, no `--`, no leading or trailing `-`. */
export function portNameProblems(port: string): string[] {
  const problems: string[] = [];
  if (port.length > 15) {
    problems.push(maxLenError(15));
  }
  if (!/^[-a-z0-9]+$/.test(port)) {
    problems.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  }
  if (!/[a-z]/.test(port)) {
    problems.push('must contain at least one letter (a-z)');
  }
  if (port.includes('--')) {
    problems.push('must not contain consecutive hyphens');
  }
  if (port.startsWith('-') || port.endsWith('-')) {
    problems.push('must not begin or end with a hyphen');
  }
  return problems;
}

/** A Unix user or group id: 0 to 2147483647. */
export function userIdProblems(uid: number): string[] {
  return Number.isInteger(uid) && uid >= 0 && uid <= MAX_USER_ID ? [] : [`must be between 0 and ${MAX_USER_ID}, inclusive`];
}

/** An environment variable name, by the rule every supported Kubernetes version enforces (IsEnvVarName before 1.34 relaxed it). */
export function envVarNameProblems(name: string): string[] {
  if (!ENV_VAR_NAME.test(name)) {
    return [regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
      '[-._a-zA-Z][-._a-zA-Z0-9]*', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1')];
  }
  return name === '.' || name === '..' ? [`must not be '${name}'`] : [];
}

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** IsConfigMapKey: the key of a ConfigMap or Secret entry (also what a secretKeyRef or configMapKeyRef names). */
export function configMapKeyProblems(key: string): string[] {
  const problems: string[] = [];
  if (key.length > DNS_SUBDOMAIN_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!CONFIG_MAP_KEY.test(key)) {
    problems.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (key === '.' || key === '..') {
    problems.push(`must not be '${key}'`);
  } else if (key.startsWith('..')) {
    problems.push("must not start with '..'");
  }
  return problems;
}
