// k8s.io/apimachinery/pkg/util/duration.HumanDuration: the AGE column's approximation of a duration, which
// gets coarser as the duration grows (`45s`, `2m30s`, `15m`, `5h10m`, `30h`, `3d4h`, `400d`, `2y10d`).

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** `ms` as HumanDuration prints it; up to a second in the future reads as `0s`, further as `<invalid>`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) {
    return '<invalid>';
  }
  if (seconds < 0) {
    return '0s';
  }
  if (seconds < 60 * 2) {
    return `${seconds}s`;
  }
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const remainder = seconds % 60;
    return remainder === 0 ? `${minutes}m` : `${minutes}m${remainder}s`;
  }
  if (minutes < 60 * 3) {
    return `${minutes}m`;
  }
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const remainder = minutes % 60;
    return remainder === 0 ? `${hours}h` : `${hours}h${remainder}m`;
  }
  if (hours < 48) {
    return `${hours}h`;
  }
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const remainder = hours % 24;
    return remainder === 0 ? `${days}d` : `${days}d${remainder}h`;
  }
  if (hours < 24 * 365 * 2) {
    return `${days}d`;
  }
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const remainder = days % 365;
    return remainder === 0 ? `${years}y` : `${years}y${remainder}d`;
  }
  return `${years}y`;
}
