/**
 * The three timestamp flavours upstream writes (spec §2.4). Never compare one flavour with another.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time, naive ISO-8601 with microseconds (omitted when 0), like Python's datetime.now().isoformat(). */
export function localIsoNow(date: Date = new Date(), microsExtra = 0): string {
  const base = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const micros = date.getMilliseconds() * 1000 + microsExtra;
  return micros === 0 ? base : `${base}.${pad(micros, 6)}`;
}

/** SQLite CURRENT_TIMESTAMP: UTC `YYYY-MM-DD HH:MM:SS`. */
export function utcSqlNow(date: Date = new Date()): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** UTC ISO with offset and microseconds, as Python's datetime.now(timezone.utc).isoformat(). */
export function utcIsoOffsetNow(date: Date = new Date()): string {
  const micros = date.getUTCMilliseconds() * 1000;
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(micros, 6)}+00:00`;
}

/** UTC `YYYY-MM-DDTHH:MM:SSZ` (claims.json generated_at). */
export function utcIsoZNow(date: Date = new Date()): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
}
